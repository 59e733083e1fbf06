"""Services join the parser and the database; controllers and commands call them."""
