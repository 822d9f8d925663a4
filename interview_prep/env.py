"""The settings' typed readers of environment variables: a bad value stops the process with
the variable's name, never a silent default."""

import json
import os
import sys


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    value = env_str(name).lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    sys.exit(f"error: {name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name, default):
    value = env_str(name)
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        sys.exit(f"error: {name}={value!r} is not an integer")


def env_list(name, default=""):
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_json_object(name):
    value = env_str(name)
    if value == "":
        return {}
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        sys.exit(f"error: {name} is not a JSON object")
    return parsed
