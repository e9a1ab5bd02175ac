"""The chip catalog: specifications, framework status and capability metrics."""
