"""What travels between floors: tables, the bundle and the Target protocol, results."""
