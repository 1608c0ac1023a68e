#include "api/openapi_document.hpp"

namespace revaer {
namespace {

// Torrent summaries and details, paging, adding and actions.
constexpr const char* kTorrentSchemas = R"json({
  "TorrentState": {
    "type": "object",
    "required": ["kind"],
    "properties": {
      "kind": {
        "enum": [
          "queued",
          "fetching_metadata",
          "downloading",
          "seeding",
          "completed",
          "failed",
          "stopped"
        ]
      },
      "failure_message": {"type": "string", "description": "Present when kind is failed"}
    }
  },
  "TorrentSummary": {
    "type": "object",
    "required": [
      "id",
      "name",
      "state",
      "progress",
      "rates",
      "download_dir",
      "sequential",
      "tags",
      "trackers",
      "added_at",
      "last_updated"
    ],
    "properties": {
      "id": {"type": "string", "format": "uuid"},
      "name": {"type": "string"},
      "state": {"$ref": "#/components/schemas/TorrentState"},
      "progress": {
        "type": "object",
        "required": ["bytes_downloaded", "bytes_total", "percent_complete"],
        "properties": {
          "bytes_downloaded": {
            "type": "integer",
            "minimum": 0,
            "description": "Verified payload bytes on disk"
          },
          "bytes_total": {"type": "integer", "minimum": 0},
          "percent_complete": {"type": "number", "minimum": 0, "maximum": 100},
          "eta_seconds": {"type": "integer", "minimum": 0}
        }
      },
      "rates": {
        "type": "object",
        "required": ["download_bps", "upload_bps", "ratio"],
        "properties": {
          "download_bps": {"type": "integer", "minimum": 0, "description": "Bytes per second"},
          "upload_bps": {"type": "integer", "minimum": 0, "description": "Bytes per second"},
          "ratio": {"type": "number", "minimum": 0}
        }
      },
      "info_hash_v1": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
      "info_hash_v2": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
      "download_dir": {"type": "string"},
      "library_path": {"type": "string", "description": "Where post-processing placed the payload"},
      "storage_move_error": {"type": "string", "description": "Why the last move of the files failed; absent after a new move request or a finished move"},
      "sequential": {"type": "boolean"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "category": {"type": "string"},
      "trackers": {"type": "array", "items": {"type": "string"}},
      "added_at": {"type": "string", "format": "date-time"},
      "completed_at": {"type": "string", "format": "date-time"},
      "last_updated": {"type": "string", "format": "date-time"}
    }
  },
  "TorrentFile": {
    "type": "object",
    "required": ["index", "path", "size_bytes", "bytes_completed", "priority", "selected"],
    "properties": {
      "index": {"type": "integer", "minimum": 0},
      "path": {"type": "string", "description": "Relative to the torrent's download_dir"},
      "size_bytes": {"type": "integer", "minimum": 0},
      "bytes_completed": {"type": "integer", "minimum": 0},
      "priority": {"enum": ["skip", "low", "normal", "high"]},
      "selected": {"type": "boolean"}
    }
  },
  "TorrentSettings": {
    "type": "object",
    "description": "Per-torrent settings. Rates are bytes per second, and 0 means unlimited. 0 connections or upload slots means the session's default. A null seed limit means the global one.",
    "properties": {
      "max_download_bps": {"type": "integer", "minimum": 0},
      "max_upload_bps": {"type": "integer", "minimum": 0},
      "max_connections": {"type": "integer", "minimum": 0},
      "max_uploads": {"type": "integer", "minimum": 0},
      "seed_ratio_limit": {"type": ["number", "null"], "minimum": 0},
      "seed_time_limit": {"type": ["integer", "null"], "minimum": 0, "description": "Seconds"},
      "auto_managed": {"type": "boolean", "description": "The queue starts and stops the torrent"},
      "super_seeding": {"type": "boolean"},
      "sequential": {"type": "boolean"},
      "download_dir": {"type": "string", "description": "The folder the files are in"}
    }
  },
  "FileSelectionRules": {
    "type": "object",
    "description": "A file is selected when it matches an include glob (or include is empty), matches no exclude glob, and is not in a sample, samples, extras, proof or screens folder while skip_fluff is set.",
    "properties": {
      "include": {"type": "array", "items": {"type": "string"}},
      "exclude": {"type": "array", "items": {"type": "string"}},
      "skip_fluff": {"type": "boolean"}
    }
  },
  "FsopsStatus": {
    "type": "object",
    "required": ["state"],
    "properties": {
      "state": {"enum": ["pending", "running", "completed", "failed", "skipped"]},
      "step": {"type": "string"},
      "error": {"type": "string"}
    }
  },
  "TorrentDetail": {
    "allOf": [{"$ref": "#/components/schemas/TorrentSummary"}],
    "required": ["files", "settings", "fsops"],
    "properties": {
      "files": {
        "type": "array",
        "description": "Empty until the metadata is known",
        "items": {"$ref": "#/components/schemas/TorrentFile"}
      },
      "settings": {"$ref": "#/components/schemas/TorrentSettings"},
      "selection": {"$ref": "#/components/schemas/FileSelectionRules"},
      "web_seeds": {"type": "array", "items": {"type": "string", "format": "uri"}},
      "fsops": {"$ref": "#/components/schemas/FsopsStatus"}
    }
  },
  "TorrentPage": {
    "type": "object",
    "required": ["torrents", "next"],
    "properties": {
      "torrents": {"type": "array", "items": {"$ref": "#/components/schemas/TorrentSummary"}},
      "next": {
        "type": ["string", "null"],
        "description": "The cursor of the next page; null on the last page"
      }
    }
  },
  "TrackerInput": {
    "oneOf": [
      {"type": "string", "format": "uri", "description": "An announce URL in tier 0"},
      {
        "type": "object",
        "required": ["url"],
        "properties": {
          "url": {"type": "string", "format": "uri"},
          "tier": {"type": "integer", "minimum": 0}
        },
        "additionalProperties": false
      }
    ]
  },
  "TorrentAddOptions": {
    "type": "object",
    "properties": {
      "id": {
        "type": "string",
        "format": "uuid",
        "description": "A client-chosen id; adding the same id again changes nothing"
      },
      "name": {"type": "string", "maxLength": 1024},
      "download_dir": {
        "type": "string",
        "description": "Absolute, inside engine_profile.download_root"
      },
      "sequential": {"type": "boolean"},
      "start_paused": {"type": "boolean"},
      "tags": {"type": "array", "maxItems": 64, "items": {"type": "string"}},
      "category": {"type": "string", "maxLength": 1024},
      "trackers": {
        "type": "array",
        "maxItems": 64,
        "items": {"$ref": "#/components/schemas/TrackerInput"}
      },
      "replace_trackers": {
        "type": "boolean",
        "description": "The trackers replace those of the magnet or metainfo"
      },
      "include": {
        "type": "array",
        "maxItems": 64,
        "items": {"type": "string"},
        "description": "Globs of files to download"
      },
      "exclude": {
        "type": "array",
        "maxItems": 64,
        "items": {"type": "string"},
        "description": "Globs of files to skip"
      },
      "skip_fluff": {"type": "boolean"},
      "max_download_bps": {
        "type": "integer",
        "minimum": 0,
        "maximum": 1000000000000,
        "description": "Bytes per second; 0 is unlimited"
      },
      "max_upload_bps": {
        "type": "integer",
        "minimum": 0,
        "maximum": 1000000000000,
        "description": "Bytes per second; 0 is unlimited"
      },
      "seed_ratio_limit": {"type": "number", "minimum": 0, "maximum": 1000000},
      "seed_time_limit": {
        "type": "integer",
        "minimum": 0,
        "maximum": 2147483647,
        "description": "Seconds"
      }
    }
  },
  "AddTorrentRequest": {
    "allOf": [{"$ref": "#/components/schemas/TorrentAddOptions"}],
    "properties": {
      "magnet": {"type": "string", "maxLength": 8192},
      "metainfo": {
        "type": "string",
        "contentEncoding": "base64",
        "description": "The .torrent file, base64"
      }
    },
    "oneOf": [{"required": ["magnet"]}, {"required": ["metainfo"]}],
    "unevaluatedProperties": false
  },
  "AddTorrentUpload": {
    "type": "object",
    "required": ["torrent"],
    "properties": {
      "torrent": {
        "type": "string",
        "contentMediaType": "application/x-bittorrent",
        "description": "The .torrent file"
      },
      "options": {
        "allOf": [{"$ref": "#/components/schemas/TorrentAddOptions"}],
        "unevaluatedProperties": false
      }
    }
  },
  "TorrentAccepted": {
    "type": "object",
    "required": ["id"],
    "properties": {"id": {"type": "string", "format": "uuid"}}
  },
  "TorrentAction": {
    "oneOf": [
      {
        "type": "object",
        "required": ["type"],
        "properties": {
          "type": {"enum": ["pause", "resume", "reannounce", "recheck", "postprocess"]}
        },
        "additionalProperties": false
      },
      {
        "type": "object",
        "required": ["type"],
        "properties": {
          "type": {"const": "remove"},
          "delete_data": {"type": "boolean", "description": "Also deletes the downloaded files"}
        },
        "additionalProperties": false
      },
      {
        "type": "object",
        "required": ["type", "enable"],
        "properties": {"type": {"const": "sequential"}, "enable": {"type": "boolean"}},
        "additionalProperties": false
      },
      {
        "type": "object",
        "required": ["type"],
        "properties": {
          "type": {"const": "rate"},
          "download_bps": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000000000000,
            "description": "Bytes per second; 0 is unlimited"
          },
          "upload_bps": {
            "type": "integer",
            "minimum": 0,
            "maximum": 1000000000000,
            "description": "Bytes per second; 0 is unlimited"
          }
        },
        "description": "At least one of download_bps and upload_bps",
        "minProperties": 2,
        "additionalProperties": false
      },
      {
        "type": "object",
        "required": ["type", "download_dir"],
        "properties": {
          "type": {"const": "move"},
          "download_dir": {
            "type": "string",
            "description": "Absolute, inside engine_profile.download_root or an fs_policy.allow_paths entry"
          }
        },
        "additionalProperties": false
      }
    ]
  },
  "ActionAccepted": {
    "type": "object",
    "required": ["id", "type"],
    "properties": {"id": {"type": "string", "format": "uuid"}, "type": {"type": "string"}}
  }
})json";

}  // namespace

nlohmann::json openapi_torrent_schemas() { return nlohmann::json::parse(kTorrentSchemas); }

}  // namespace revaer
