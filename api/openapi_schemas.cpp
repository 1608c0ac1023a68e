#include "api/openapi_document.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// Problem+JSON, health, discovery, setup, configuration and event schemas.
// JSON Schema 2020-12, as OpenAPI 3.1 uses it.
constexpr const char* kSystemSchemas = R"json({
  "Problem": {
    "type": "object",
    "description": "An RFC 9457 problem. Extra members carry details of some problems, such as existing_id on a duplicate torrent.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
      "type": {
        "type": "string",
        "format": "uri",
        "description": "urn:revaer:problem: followed by a slug such as invalid-input"
      },
      "title": {"type": "string"},
      "status": {"type": "integer", "minimum": 400, "maximum": 599},
      "detail": {"type": "string"},
      "invalid_params": {
        "type": "array",
        "description": "One entry per offending input member.",
        "items": {"$ref": "#/components/schemas/InvalidParam"}
      },
      "request_id": {"type": "string", "description": "The request's x-request-id"}
    },
    "additionalProperties": true
  },
  "InvalidParam": {
    "type": "object",
    "required": ["pointer", "message"],
    "properties": {
      "pointer": {
        "type": "string",
        "format": "json-pointer",
        "description": "A JSON Pointer (RFC 6901) to the member in the request body, or the name of a query parameter"
      },
      "message": {"type": "string"}
    }
  },
  "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
  "HealthFull": {
    "type": "object",
    "required": [
      "status",
      "mode",
      "revision",
      "version",
      "commit",
      "degraded",
      "metrics",
      "torrents"
    ],
    "properties": {
      "status": {"enum": ["ok", "degraded"]},
      "mode": {"enum": ["setup", "active"]},
      "revision": {"type": "integer"},
      "version": {"type": "string"},
      "commit": {"type": "string"},
      "degraded": {
        "type": "array",
        "items": {
          "type": "object",
          "required": ["component", "reason", "since"],
          "properties": {
            "component": {"type": "string"},
            "reason": {"type": "string"},
            "since": {"type": "string", "format": "date-time"}
          }
        }
      },
      "metrics": {"type": "object", "description": "Totals of the daemon's metrics by name"},
      "torrents": {"type": "object", "description": "Torrent counts by state, and loading: the stored torrents not loaded since the engine started"}
    }
  },
  "WellKnown": {
    "type": "object",
    "required": ["revision", "mode", "version", "api_base"],
    "properties": {
      "revision": {"type": "integer"},
      "mode": {"enum": ["setup", "active"]},
      "version": {"type": "string"},
      "api_base": {"type": "string"}
    }
  },
  "SetupStartRequest": {
    "type": "object",
    "properties": {
      "issued_by": {
        "type": "string",
        "description": "Recorded with the token; api@CLIENT_ADDRESS when absent"
      },
      "ttl_seconds": {
        "type": "integer",
        "minimum": 1,
        "maximum": 86400,
        "description": "Lifetime of the token in seconds; 900 when absent"
      }
    },
    "additionalProperties": false
  },
  "SetupToken": {
    "type": "object",
    "required": ["token", "expires_at"],
    "properties": {
      "token": {"type": "string", "description": "Shown once; send it as x-revaer-setup-token"},
      "expires_at": {"type": "string", "format": "date-time"}
    }
  },
  "SetupCompletion": {
    "type": "object",
    "required": ["snapshot", "api_key"],
    "properties": {
      "snapshot": {"$ref": "#/components/schemas/ConfigSnapshot"},
      "api_key": {
        "type": "string",
        "pattern": "^[^:]+:.+$",
        "description": "The first API key as key_id:secret, shown only here"
      }
    }
  },
  "RateLimit": {
    "type": "object",
    "required": ["burst", "per_seconds"],
    "properties": {
      "burst": {"type": "integer", "minimum": 1, "description": "Requests allowed at once"},
      "per_seconds": {
        "type": "number",
        "exclusiveMinimum": 0,
        "description": "Seconds in which a full burst refills"
      }
    }
  },
  "ApiKey": {
    "type": "object",
    "required": ["key_id", "label", "enabled", "scope", "rate_limit"],
    "properties": {
      "key_id": {"type": "string"},
      "label": {"type": "string"},
      "enabled": {"type": "boolean"},
      "scope": {"enum": ["admin", "read_only", "add_only"]},
      "rate_limit": {"oneOf": [{"$ref": "#/components/schemas/RateLimit"}, {"type": "null"}]}
    }
  },
  "SettingsDocument": {
    "type": "object",
    "description": "One settings document (app_profile, engine_profile or fs_policy). docs/configuration.md lists every field with its type, default and range.",
    "additionalProperties": true
  },
  "ConfigSnapshot": {
    "type": "object",
    "required": ["revision", "app_profile", "engine_profile", "fs_policy", "api_keys"],
    "properties": {
      "revision": {
        "type": "integer",
        "description": "Increases by one with every committed changeset"
      },
      "app_profile": {"$ref": "#/components/schemas/SettingsDocument"},
      "engine_profile": {"$ref": "#/components/schemas/SettingsDocument"},
      "fs_policy": {"$ref": "#/components/schemas/SettingsDocument"},
      "api_keys": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKey"}}
    }
  },
  "ConfigCommit": {
    "allOf": [{"$ref": "#/components/schemas/ConfigSnapshot"}],
    "properties": {
      "issued_api_keys": {
        "type": "array",
        "description": "key_id:secret of each key the changeset created or rotated without a secret; shown only here",
        "items": {"type": "string"}
      }
    }
  },
  "ApiKeyChange": {
    "type": "object",
    "required": ["op", "key_id"],
    "properties": {
      "op": {"enum": ["upsert", "delete"]},
      "key_id": {"type": "string"},
      "label": {"type": "string", "maxLength": 128},
      "enabled": {"type": "boolean"},
      "scope": {"enum": ["admin", "read_only", "add_only"]},
      "secret": {"type": "string", "minLength": 32, "maxLength": 256},
      "rate_limit": {"oneOf": [{"$ref": "#/components/schemas/RateLimit"}, {"type": "null"}]},
      "rotate": {
        "type": "boolean",
        "description": "Issues a new secret, returned in issued_api_keys"
      }
    },
    "additionalProperties": false
  },
  "SecretChange": {
    "type": "object",
    "required": ["op", "name"],
    "properties": {
      "op": {"enum": ["set", "delete"]},
      "name": {"type": "string"},
      "value": {"type": "string", "description": "Required with op set; never shown again"}
    },
    "additionalProperties": false
  },
  "Changeset": {
    "type": "object",
    "description": "A partial configuration: omitted members keep their values. The whole changeset is rejected with 422 when any member is invalid.",
    "properties": {
      "app_profile": {"$ref": "#/components/schemas/SettingsDocument"},
      "engine_profile": {"$ref": "#/components/schemas/SettingsDocument"},
      "fs_policy": {"$ref": "#/components/schemas/SettingsDocument"},
      "api_keys": {"type": "array", "items": {"$ref": "#/components/schemas/ApiKeyChange"}},
      "secrets": {"type": "array", "items": {"$ref": "#/components/schemas/SecretChange"}}
    },
    "additionalProperties": false
  },
  "Event": {
    "type": "object",
    "description": "The JSON of one SSE data line.",
    "required": ["id", "kind", "at", "data"],
    "properties": {
      "id": {"type": "integer", "description": "Increases monotonically and is never reused"},
      "kind": {
        "enum": [
          "torrent_added",
          "files_discovered",
          "progress",
          "state_changed",
          "completed",
          "metadata_updated",
          "torrent_removed",
          "fsops_started",
          "fsops_progress",
          "fsops_completed",
          "fsops_failed",
          "settings_changed",
          "health_changed",
          "selection_reconciled",
          "reset"
        ]
      },
      "at": {"type": "string", "format": "date-time"},
      "request_id": {
        "type": "string",
        "description": "The x-request-id of the request that caused the event"
      },
      "data": {
        "type": "object",
        "description": "The payload; events about one torrent carry data.torrent_id"
      }
    }
  },
  "StreamTicket": {
    "type": "object",
    "required": ["ticket", "expires_at"],
    "properties": {
      "ticket": {
        "type": "string",
        "description": "Single use; pass it as the ticket query parameter of an event stream"
      },
      "expires_at": {"type": "string", "format": "date-time"}
    }
  },
  "EmptyObject": {"type": "object", "maxProperties": 0}
})json";

constexpr const char* kSecuritySchemes = R"json({
  "apiKey": {
    "type": "apiKey",
    "in": "header",
    "name": "x-revaer-api-key",
    "description": "An API key as key_id:secret. The roles of a requirement name the permission the route needs: a key with scope admin has every permission, add_only has read and add, and read_only has read. With app_profile.auth_mode none, clients in app_profile.local_networks need no key."
  },
  "bearer": {
    "type": "http",
    "scheme": "bearer",
    "description": "The same API key (key_id:secret) in Authorization: Bearer, with the same permissions."
  },
  "streamTicket": {
    "type": "apiKey",
    "in": "query",
    "name": "ticket",
    "description": "A single-use ticket from POST /v1/events/ticket, for EventSource clients that cannot send headers. It has the scope of the key that requested it."
  },
  "setupToken": {
    "type": "apiKey",
    "in": "header",
    "name": "x-revaer-setup-token",
    "description": "The one-time token from POST /admin/setup/start."
  }
})json";

void merge_into(json& target, const json& source) {
  for (const auto& [name, schema] : source.items()) {
    target[name] = schema;
  }
}

}  // namespace

json openapi_component_schemas() {
  json schemas = json::parse(kSystemSchemas);
  merge_into(schemas, openapi_torrent_schemas());
  merge_into(schemas, openapi_torrent_control_schemas());
  return schemas;
}

json openapi_security_schemes() { return json::parse(kSecuritySchemes); }

}  // namespace revaer
