"""connexion's parameter validation, failing with a neutral error that names the parameter,
so that a vendor can tell a bad parameter from a bad body."""

from __future__ import annotations

from typing import Any

from connexion.validators import ParameterValidator as ConnexionParameterValidator

from impl.core.errors import InvalidParameter


class ParameterValidator(ConnexionParameterValidator):
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict, param_name: str | None = None
    ) -> None:
        error = ConnexionParameterValidator.validate_parameter(
            parameter_type, value, param, param_name
        )
        if error:
            # connexion's message for a schema failure goes on to dump the schema; keep the gist.
            raise InvalidParameter(param["name"], error.splitlines()[0])
