"""DynamoDB access through pynamodb models, one module per table."""
