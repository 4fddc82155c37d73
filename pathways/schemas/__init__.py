"""Request and response models of the API (pydantic); tables never face the outside directly."""
