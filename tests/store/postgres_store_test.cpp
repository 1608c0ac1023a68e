// PostgreSQL-only behaviour: URL masking, migrations, LISTEN/NOTIFY and
// reconnecting after the server restarts.

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/postgres/database_url.hpp"
#include "store/postgres/pg_connection.hpp"
#include "store/postgres/postgres_listener.hpp"
#include "store/postgres/postgres_migrations.hpp"
#include "store/postgres/postgres_store.hpp"
#include "tests/store/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

using namespace std::chrono_literals;

constexpr auto kNotifyTimeout = 20s;

void commit_once(Store& store) {
  store.transact([](StoreTransaction& tx) {
    tx.put_document("fs_policy", {{"extract", true}});
    tx.bump_revision({"fs_policy"}, "test");
  });
}

// Waits until the listener reports a notification or `timeout` passes.
bool wait_for_notification(ChangeListener& listener,
                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const ChangeWait result = listener.wait(500ms);
    if (result == ChangeWait::notified) {
      return true;
    }
    if (result == ChangeWait::disconnected) {
      std::this_thread::sleep_for(100ms);
    }
  }
  return false;
}

TEST(DatabaseUrl, RecognisesPostgresSchemes) {
  EXPECT_TRUE(is_postgres_url("postgres://host/db"));
  EXPECT_TRUE(is_postgres_url("postgresql://host/db"));
  EXPECT_FALSE(is_postgres_url("mysql://host/db"));
  EXPECT_FALSE(is_postgres_url("host=localhost dbname=revaer"));
  EXPECT_FALSE(is_postgres_url(""));
}

TEST(DatabaseUrl, MasksPasswords) {
  const std::pair<std::string, std::string> cases[] = {
      {"postgres://revaer:s3cret@db:5432/revaer",
       "postgres://revaer:***@db:5432/revaer"},
      {"postgresql://u:p%40ss@word@db/x", "postgresql://u:***@db/x"},
      {"postgres://revaer@db/revaer", "postgres://revaer@db/revaer"},
      {"postgres://db:5432/revaer", "postgres://db:5432/revaer"},
      {"postgres://db/x?sslmode=require&password=hunter2&user=u",
       "postgres://db/x?sslmode=require&password=***&user=u"},
      {"postgres://a:b@db/x?password=c", "postgres://a:***@db/x?password=***"},
  };
  for (const auto& [url, masked] : cases) {
    EXPECT_EQ(mask_database_url(url), masked) << url;
  }
}

TEST(PostgresStore, UnreachableServerNamesMaskedUrl) {
  const std::string url = "postgres://revaer:hunter2@127.0.0.1:" +
                          std::to_string(test::free_port()) + "/revaer";
  try {
    PostgresStore::open(url);
    FAIL() << "open() succeeded without a server";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("revaer:***@127.0.0.1"), std::string::npos)
        << message;
    EXPECT_EQ(message.find("hunter2"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(PostgresMigrations, FailureRollsBackAndNamesMigration) {
  const std::string url = test::shared_postgres().create_database();
  const postgres::Migration migrations[] = {
      {1, "create first", "CREATE TABLE first_table (id INTEGER)"},
      {2, "create second and break",
       "CREATE TABLE second_table (id INTEGER); SELECT * FROM missing_table"},
  };
  postgres::PgConnection connection(url);
  try {
    postgres::migrate(connection, migrations);
    FAIL() << "a broken migration was applied";
  } catch (const StoreError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("migration 2 (create second and break)"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("missing_table"), std::string::npos) << message;
  }

  const auto version =
      connection.exec("SELECT MAX(version) FROM schema_migrations");
  EXPECT_EQ(version.integer(0, 0), 1);
  EXPECT_EQ(connection.exec("SELECT to_regclass('first_table') IS NOT NULL")
                .text(0, 0),
            "t");
  EXPECT_EQ(connection.exec("SELECT to_regclass('second_table') IS NULL")
                .text(0, 0),
            "t");
}

TEST(PostgresMigrations, ReopenSkipsAppliedMigrations) {
  const std::string url = test::shared_postgres().create_database();
  PostgresStore::open(url);
  PostgresStore::open(url);
  postgres::PgConnection connection(url);
  const auto applied = connection.exec("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ(applied.integer(0, 0),
            static_cast<std::int64_t>(postgres::schema_migrations().size()));
}

TEST(PostgresListener, CommitIsNotified) {
  const std::string url = test::shared_postgres().create_database();
  auto store = PostgresStore::open(url);
  PostgresChangeListener listener(url);
  // The first wait connects and runs LISTEN before anything is committed.
  EXPECT_EQ(listener.wait(10ms), ChangeWait::timed_out);

  commit_once(*store);
  EXPECT_TRUE(wait_for_notification(listener, kNotifyTimeout));
  EXPECT_EQ(listener.wait(10ms), ChangeWait::timed_out);
}

TEST(PostgresListener, RollbackIsNotNotified) {
  const std::string url = test::shared_postgres().create_database();
  auto store = PostgresStore::open(url);
  PostgresChangeListener listener(url);
  EXPECT_EQ(listener.wait(10ms), ChangeWait::timed_out);

  EXPECT_THROW(store->transact([](StoreTransaction& tx) {
    tx.bump_revision({"fs_policy"}, "test");
    throw std::runtime_error("abort");
  }),
               std::runtime_error);
  EXPECT_EQ(listener.wait(300ms), ChangeWait::timed_out);
}

TEST(PostgresListener, WakeEndsOneWait) {
  const std::string url = test::shared_postgres().create_database();
  PostgresChangeListener listener(url);
  std::thread waker([&listener] {
    std::this_thread::sleep_for(100ms);
    listener.wake();
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(listener.wait(60s), ChangeWait::timed_out);
  waker.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);

  listener.wake();
  listener.wake();  // two wakes before a wait end one wait
  EXPECT_EQ(listener.wait(60s), ChangeWait::timed_out);
  commit_once(*PostgresStore::open(url));
  EXPECT_TRUE(wait_for_notification(listener, kNotifyTimeout));
}

// A server restart under an open store and listener: the store's next
// call succeeds on a new connection, and the listener reconnects.
TEST(PostgresRestart, StoreAndListenerRecover) {
  test::PostgresServer server;
  const std::string url = server.create_database();
  auto store = PostgresStore::open(url);
  PostgresChangeListener listener(url);
  EXPECT_EQ(listener.wait(10ms), ChangeWait::timed_out);

  server.stop();
  EXPECT_FALSE(store->ping());
  EXPECT_THROW(commit_once(*store), StoreError);
  EXPECT_EQ(listener.wait(1s), ChangeWait::disconnected);
  EXPECT_EQ(listener.wait(1s), ChangeWait::disconnected);

  server.start();
  commit_once(*store);
  EXPECT_TRUE(store->ping());
  store->transact([](StoreTransaction& tx) { EXPECT_EQ(tx.revision(), 1); });

  // The listener reconnects on its next wait; a commit after that arrives.
  EXPECT_NE(listener.wait(10ms), ChangeWait::disconnected);
  commit_once(*store);
  EXPECT_TRUE(wait_for_notification(listener, kNotifyTimeout));
}

TEST(PostgresRestart, FirstCallAfterRestartSucceeds) {
  test::PostgresServer server;
  const std::string url = server.create_database();
  auto store = PostgresStore::open(url);
  commit_once(*store);

  server.stop();
  server.start();
  // The old connection is broken, but nothing has noticed yet.
  commit_once(*store);
  store->transact([](StoreTransaction& tx) { EXPECT_EQ(tx.revision(), 2); });
}

}  // namespace
}  // namespace revaer
