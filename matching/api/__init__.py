"""API v1 (Django REST framework), one module per journey, with its serializers."""
