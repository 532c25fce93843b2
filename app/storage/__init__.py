"""Where generated media and uploads live: a local folder by default, S3 when configured."""
