"""Library services on LINE: the domain and adapters every function shares (the Lambda layer)."""
