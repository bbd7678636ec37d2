"""Loading: from source URI and interval to rows in the destination, through dlt."""
