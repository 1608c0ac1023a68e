#include "api/openapi_operation.hpp"

namespace revaer {
namespace {

using boost::beast::http::verb;
using nlohmann::json;

json stream_parameters() {
  const json text = {{"type", "string"}};
  return json::array({
      query_parameter("torrent", "Comma-separated torrent ids", text,
                      "5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94"),
      query_parameter("event", "Comma-separated event kinds", text, "state_changed,completed"),
      query_parameter("state", "Comma-separated torrent states, matched against data.state", text,
                      "seeding"),
      query_parameter("last_event_id",
                      "Resume after this event id, unless the Last-Event-ID header is present",
                      {{"type", "integer"}, {"minimum", 0}}, 1234),
      {{"name", "Last-Event-ID"},
       {"in", "header"},
       {"required", false},
       {"description", "Resume after this event id"},
       {"schema", {{"type", "integer"}, {"minimum", 0}}},
       {"example", 1234}},
  });
}

json stream_response() {
  return {
      {"description",
       "The stream: retry: 2000, then one frame per event (id, event and one data line of "
       "Event JSON), and a keep-alive comment after 20 seconds of silence. A reset frame comes "
       "first when the id cannot be resumed."},
      {"content",
       {{"text/event-stream",
         {{"schema",
           {{"type", "string"},
            {"contentMediaType", "application/json"},
            {"contentSchema", schema_ref("Event")}}},
          {"example",
           "retry: 2000\n\nid: 1235\nevent: state_changed\ndata: {\"id\":1235,\"kind\":"
           "\"state_changed\",\"at\":\"2026-12-04T17:02:39.817Z\",\"data\":{\"torrent_id\":"
           "\"5f0c2a9e-8d4b-4c1e-9a7f-3b6d2e1c0a94\",\"state\":\"stopped\",\"previous\":"
           "\"downloading\"}}\n\n"}}}}},
  };
}

OperationDoc event_stream(const std::string& path, const std::string& operation_id) {
  OperationDoc doc;
  doc.method = verb::get;
  doc.path = path;
  doc.operation_id = operation_id;
  doc.tag = "events";
  doc.summary = path == "/v1/torrents/events" ? "Follow events" : "Follow events (alias)";
  doc.description =
      "Streams events as Server-Sent Events. With Last-Event-ID, replays every retained "
      "event after that id, then continues live without gaps or duplicates. Filters of one "
      "kind match when any value matches, and different kinds must all match. Each takes at "
      "most 32 values. docs/events.md lists the kinds and their payloads.";

  doc.parameters = stream_parameters();

  doc.responses["200"] = stream_response();
  doc.problems = {
      {422,
       "A filter names an unknown kind or state or a malformed torrent id, has too many "
       "values, or the resume id is not an integer."},
      {503, "The event stream is not available."},
  };
  return doc;
}

OperationDoc issue_ticket() {
  OperationDoc doc;
  doc.method = verb::post;
  doc.path = "/v1/events/ticket";
  doc.operation_id = "issueStreamTicket";
  doc.tag = "events";
  doc.summary = "Issue a stream ticket";
  doc.description =
      "Issues a single-use ticket for the ticket query parameter of an event stream, so a "
      "browser's EventSource can open it without sending the API key. The ticket has the "
      "scope of the key that requested it.";

  doc.request_body =
      json_request("An empty object, or no body.", schema_ref("EmptyObject"), json::object());
  doc.request_body["required"] = false;
  doc.responses["200"] = json_response(
      "The ticket.", schema_ref("StreamTicket"),
      {{"ticket", "Yk3v8QpL2xR7tN0cW5mZ"}, {"expires_at", "2026-12-04T17:03:09.817Z"}});

  doc.problems = {
      {400, "The body is not valid JSON."},
      {422, "The body is not an empty object."},
      {503, "The event stream is not available."},
  };
  return doc;
}

}  // namespace

std::vector<OperationDoc> event_operation_docs() {
  return {
      event_stream("/v1/torrents/events", "streamTorrentEvents"),
      event_stream("/v1/events", "streamEvents"),
      event_stream("/v1/events/stream", "streamEventsAlias"),
      issue_ticket(),
  };
}

}  // namespace revaer
