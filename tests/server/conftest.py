from tests.graphql_http.test_audit import graphql_http_installed

__all__ = ["graphql_http_installed"]
