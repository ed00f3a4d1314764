"""The learning section's own views, one module per concern; learning/urls.py names them."""
