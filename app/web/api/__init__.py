"""The REST run API's parts apart from its routes: models, problem details, OpenAPI document, event streams."""
