/* The SQLite benchmark workload: the same source is compiled natively and
 * to wasm32-wasi (both clang -O2, with the sqlite3.c amalgamation of the
 * libsqlite3-sys crate). It creates bench.db in the current directory
 * (a fresh one each run), then
 *   - inserts ROWS rows (default 200,000) in one transaction through a
 *     prepared statement,
 *   - builds an index, runs aggregate and join queries, updates and
 *     deletes a tenth of the rows, and checks the database's integrity,
 * and prints a checksum of every result, so a wrong run cannot pass for a
 * fast one. It exercises the file system interface (journal, reads and
 * writes of pages) as well as compute. A second argument names another
 * database: ":memory:" keeps it in memory (compute alone). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, err);
        exit(1);
    }
}

/* Sum of every column of every row of `sql`, as integers or text lengths. */
static long long query_sum(const char *sql) {
    sqlite3_stmt *st;
    check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
    long long sum = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            if (sqlite3_column_type(st, i) == SQLITE_TEXT)
                sum += sqlite3_column_bytes(st, i);
            else
                sum += sqlite3_column_int64(st, i);
        }
    }
    check(rc, sql);
    sqlite3_finalize(st);
    return sum;
}

int main(int argc, char **argv) {
    int rows = argc > 1 ? atoi(argv[1]) : 200000;
    const char *database = argc > 2 ? argv[2] : "bench.db";
    remove("bench.db");
    remove("bench.db-journal");
    check(sqlite3_open(database, &db), "open");
    exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, category INTEGER, price INTEGER)");
    exec("CREATE TABLE categories(id INTEGER PRIMARY KEY, label TEXT)");
    exec("BEGIN");
    sqlite3_stmt *ins;
    check(sqlite3_prepare_v2(db, "INSERT INTO items(name, category, price) VALUES(?, ?, ?)", -1, &ins, NULL),
          "prepare");
    unsigned seed = 12345;
    char name[32];
    for (int i = 0; i < rows; i++) {
        seed = seed * 1103515245u + 12345u;
        snprintf(name, sizeof name, "item-%u", seed % 1000003u);
        sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(ins, 2, (int)(seed >> 8) % 100);
        sqlite3_bind_int(ins, 3, (int)(seed >> 4) % 10000);
        check(sqlite3_step(ins), "insert");
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (int c = 0; c < 100; c++) {
        char sql[96];
        snprintf(sql, sizeof sql, "INSERT INTO categories VALUES(%d, 'category %d')", c, c);
        exec(sql);
    }
    exec("COMMIT");
    exec("CREATE INDEX items_by_category ON items(category, price)");
    long long sum = 0;
    sum += query_sum("SELECT category, count(*), sum(price), min(name) FROM items GROUP BY category");
    sum += query_sum("SELECT c.label, avg(i.price) FROM items i JOIN categories c ON c.id = i.category "
                     "WHERE i.price > 5000 GROUP BY c.id ORDER BY 2 DESC LIMIT 10");
    sum += query_sum("SELECT count(*) FROM items WHERE name LIKE 'item-1%'");
    exec("BEGIN");
    exec("UPDATE items SET price = price + 1 WHERE id % 10 = 3");
    exec("DELETE FROM items WHERE id % 10 = 7");
    exec("COMMIT");
    sum += query_sum("SELECT count(*), sum(price) FROM items");
    sum += query_sum("PRAGMA integrity_check");
    printf("rows=%d checksum=%lld\n", rows, sum);
    sqlite3_close(db);
    return 0;
}
