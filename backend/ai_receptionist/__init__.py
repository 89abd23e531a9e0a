"""AI receptionist reference backend: business settings API (see backend/README.md)."""
