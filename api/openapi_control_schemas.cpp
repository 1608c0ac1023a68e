#include "api/openapi_document.hpp"

namespace revaer {
namespace {

// File selection, per-torrent options, trackers, web seeds, peers, labels
// and torrent creation.
constexpr const char* kControlSchemas = R"json({
  "FileSelectionRequest": {
    "type": "object",
    "properties": {
      "include": {"type": "array", "maxItems": 64, "items": {"type": "string"}},
      "exclude": {"type": "array", "maxItems": 64, "items": {"type": "string"}},
      "skip_fluff": {
        "type": "boolean",
        "description": "Skips sample, samples, extras, proof and screens folders"
      },
      "priorities": {
        "type": "array",
        "maxItems": 10000,
        "description": "Per-file priorities; each index at most once",
        "items": {
          "type": "object",
          "required": ["index", "priority"],
          "properties": {
            "index": {"type": "integer", "minimum": 0},
            "priority": {"enum": ["skip", "low", "normal", "high"]}
          },
          "additionalProperties": false
        }
      }
    },
    "additionalProperties": false
  },
  "TorrentOptionsChange": {
    "type": "object",
    "description": "Omitted members keep their values. A null seed limit returns to the global one.",
    "properties": {
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
      "max_connections": {
        "type": "integer",
        "minimum": 0,
        "maximum": 65535,
        "description": "0 is the session's default"
      },
      "max_uploads": {
        "type": "integer",
        "minimum": 0,
        "maximum": 65535,
        "description": "0 is the session's default"
      },
      "seed_ratio_limit": {"type": ["number", "null"], "minimum": 0, "maximum": 1000000},
      "seed_time_limit": {
        "type": ["integer", "null"],
        "minimum": 0,
        "maximum": 2147483647,
        "description": "Seconds"
      },
      "auto_managed": {"type": "boolean"},
      "super_seeding": {"type": "boolean"},
      "sequential": {"type": "boolean"}
    },
    "additionalProperties": false
  },
  "TorrentOptions": {
    "type": "object",
    "required": ["id", "settings"],
    "properties": {
      "id": {"type": "string", "format": "uuid"},
      "settings": {"$ref": "#/components/schemas/TorrentSettings"}
    }
  },
  "TrackerStatus": {
    "type": "object",
    "required": ["url", "tier", "status", "message", "seeds", "peers"],
    "properties": {
      "url": {"type": "string"},
      "tier": {"type": "integer", "minimum": 0},
      "status": {"enum": ["not_contacted", "updating", "working", "error"]},
      "message": {"type": "string", "description": "The tracker's last error or warning"},
      "seeds": {
        "type": ["integer", "null"],
        "minimum": 0,
        "description": "Null when the tracker did not report it"
      },
      "peers": {
        "type": ["integer", "null"],
        "minimum": 0,
        "description": "Null when the tracker did not report it"
      },
      "next_announce": {"type": "string", "format": "date-time"}
    }
  },
  "TrackerList": {
    "type": "object",
    "required": ["trackers"],
    "properties": {
      "trackers": {"type": "array", "items": {"$ref": "#/components/schemas/TrackerStatus"}}
    }
  },
  "TrackerAddition": {
    "type": "object",
    "required": ["add"],
    "properties": {
      "add": {
        "type": "array",
        "maxItems": 64,
        "items": {"$ref": "#/components/schemas/TrackerInput"}
      },
      "replace": {"type": "boolean", "description": "The added trackers become the whole list"}
    },
    "additionalProperties": false
  },
  "TrackerRemoval": {
    "type": "object",
    "required": ["urls"],
    "properties": {
      "urls": {"type": "array", "minItems": 1, "maxItems": 64, "items": {"type": "string"}}
    },
    "additionalProperties": false
  },
  "WebSeedEdit": {
    "type": "object",
    "description": "Removals apply first. At least one of add and remove must list a URL.",
    "properties": {
      "add": {
        "type": "array",
        "maxItems": 64,
        "items": {"type": "string", "format": "uri", "pattern": "^https?://"}
      },
      "remove": {"type": "array", "maxItems": 64, "items": {"type": "string"}}
    },
    "anyOf": [{"required": ["add"]}, {"required": ["remove"]}],
    "additionalProperties": false
  },
  "Peer": {
    "type": "object",
    "required": [
      "address",
      "client",
      "connection",
      "encrypted",
      "incoming",
      "progress",
      "download_bps",
      "upload_bps",
      "downloaded_bytes",
      "uploaded_bytes"
    ],
    "properties": {
      "address": {"type": "string", "description": "ip:port, with IPv6 addresses in brackets"},
      "client": {"type": "string", "description": "From the peer's handshake; may be empty"},
      "connection": {"enum": ["tcp", "utp"]},
      "encrypted": {"type": "boolean"},
      "incoming": {"type": "boolean"},
      "progress": {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "description": "The share of pieces the peer has"
      },
      "download_bps": {"type": "integer", "minimum": 0},
      "upload_bps": {"type": "integer", "minimum": 0},
      "downloaded_bytes": {"type": "integer", "minimum": 0},
      "uploaded_bytes": {"type": "integer", "minimum": 0}
    }
  },
  "PeerList": {
    "type": "object",
    "required": ["peers"],
    "properties": {"peers": {"type": "array", "items": {"$ref": "#/components/schemas/Peer"}}}
  },
  "LabelCount": {
    "type": "object",
    "required": ["name", "torrents"],
    "properties": {
      "name": {"type": "string"},
      "torrents": {
        "type": "integer",
        "minimum": 1,
        "description": "How many torrents carry the label"
      }
    }
  },
  "CategoryList": {
    "type": "object",
    "required": ["categories"],
    "properties": {
      "categories": {
        "type": "array",
        "description": "Sorted by name",
        "items": {"$ref": "#/components/schemas/LabelCount"}
      }
    }
  },
  "TagList": {
    "type": "object",
    "required": ["tags"],
    "properties": {
      "tags": {
        "type": "array",
        "description": "Sorted by name",
        "items": {"$ref": "#/components/schemas/LabelCount"}
      }
    }
  },
  "CreateTorrentRequest": {
    "type": "object",
    "required": ["path"],
    "properties": {
      "path": {
        "type": "string",
        "description": "Absolute file or folder below engine_profile.download_root or an fs_policy.allow_paths entry, also with symbolic links resolved"
      },
      "version": {"enum": ["v1", "v2", "hybrid"], "default": "hybrid"},
      "piece_size": {
        "enum": [
          16384,
          32768,
          65536,
          131072,
          262144,
          524288,
          1048576,
          2097152,
          4194304,
          8388608,
          16777216,
          33554432,
          67108864
        ],
        "description": "Bytes; libtorrent chooses it from the total size when absent"
      },
      "private": {"type": "boolean"},
      "trackers": {
        "type": "array",
        "description": "Tiers of http, https or udp announce URLs, at most 128 URLs in all",
        "maxItems": 32,
        "items": {"type": "array", "items": {"type": "string", "format": "uri"}}
      },
      "web_seeds": {
        "type": "array",
        "maxItems": 64,
        "items": {"type": "string", "format": "uri", "pattern": "^https?://"}
      },
      "comment": {"type": "string", "description": "At most 4096 bytes"},
      "source": {"type": "string", "description": "Written as info.source (at most 256 bytes), so it changes the info-hash"},
      "seed": {"type": "boolean", "description": "Adds the new torrent and seeds it from path"}
    },
    "additionalProperties": false
  },
  "CreatedTorrent": {
    "type": "object",
    "description": "The same tree and request give byte-identical metainfo, because no creation date is written.",
    "required": ["metainfo", "magnet", "name", "skipped"],
    "properties": {
      "metainfo": {
        "type": "string",
        "contentEncoding": "base64",
        "description": "The .torrent file, base64"
      },
      "magnet": {"type": "string"},
      "info_hash_v1": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
      "info_hash_v2": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
      "name": {"type": "string"},
      "skipped": {
        "type": "array",
        "description": "Symbolic links and special files that were left out, relative to path",
        "items": {"type": "string"}
      },
      "id": {
        "type": "string",
        "format": "uuid",
        "description": "The seeded torrent, present when seed was true"
      }
    }
  }
})json";

}  // namespace

nlohmann::json openapi_torrent_control_schemas() { return nlohmann::json::parse(kControlSchemas); }

}  // namespace revaer
