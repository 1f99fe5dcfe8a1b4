"""HTTP controllers, one per area of the API."""
