"""Errors a user can cause or fix, each with a message that says what to do."""


class PgxkgError(Exception):
    """Base for every error pgxkg reports to a user (CLI exit 1, API 4xx/503)."""

    status_code = 400

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class GraphUnavailable(PgxkgError):
    """Neo4j cannot be reached, or refuses our credentials."""

    status_code = 503


class ToolMissing(PgxkgError):
    """A program pgxkg needs (java, mvn) is not installed."""


class _WithSuggestions(PgxkgError):
    """An error that can offer near matches ("did you mean ...")."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = suggestions or []
        hint = f"did you mean: {', '.join(self.suggestions)}?" if self.suggestions else None
        super().__init__(message, hint)


class NotFound(_WithSuggestions):
    """An entity the user named does not exist; carries near matches."""

    status_code = 404


class InvalidInput(_WithSuggestions):
    """Input that cannot be understood (malformed genotype, bad parameter)."""

    status_code = 422
