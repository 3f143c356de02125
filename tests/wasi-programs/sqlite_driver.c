/* A small SQLite driver: opens test.db in the current directory, runs a
 * script of statements, and prints every row of every result. Built
 * together with the sqlite3.c amalgamation, natively and for wasm32-wasi;
 * both must print the same thing. The script starts with DROPs so a rerun
 * on the same directory gives the same output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite3.h"

static int rows_printed;

static int print_row(void *unused, int n, char **values, char **names) {
    (void)unused;
    for (int i = 0; i < n; i++) printf("%s%s=%s", i ? " | " : "  ", names[i], values[i] ? values[i] : "NULL");
    printf("\n");
    rows_printed++;
    return 0;
}

static void run(sqlite3 *db, const char *sql) {
    char *err = NULL;
    printf("> %s\n", sql);
    if (sqlite3_exec(db, sql, print_row, NULL, &err) != SQLITE_OK) {
        printf("  error: %s\n", err);
        sqlite3_free(err);
    }
}

static sqlite3 *open_db(void) {
    sqlite3 *db;
    int rc = sqlite3_open("test.db", &db);
    if (rc != SQLITE_OK) {
        printf("cannot open test.db: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return db;
}

static const char *script[] = {
    "DROP TABLE IF EXISTS orders",
    "DROP TABLE IF EXISTS customers",
    "DROP TABLE IF EXISTS numbers",
    "PRAGMA journal_mode",
    "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id),"
    " item TEXT, qty INTEGER, price REAL)",
    "INSERT INTO customers (name, city) VALUES ('Ada', 'London'), ('Grace', 'New York'),"
    " ('Linus', 'Helsinki'), ('Barbara', 'Boston'), ('Edsger', NULL)",
    "INSERT INTO orders (customer_id, item, qty, price) VALUES"
    " (1, 'engine', 2, 199.5), (1, 'gear', 10, 3.25), (2, 'compiler', 1, 999.0),"
    " (3, 'kernel', 3, 0.0), (3, 'patch', 42, 0.5), (4, 'abstraction', 7, 12.75),"
    " (2, 'bug', 1, 0.01)",
    "SELECT * FROM customers ORDER BY id",
    "SELECT name, city FROM customers WHERE city IS NOT NULL ORDER BY name DESC",
    "UPDATE orders SET qty = qty * 2 WHERE price < 1",
    "UPDATE customers SET city = 'Austin' WHERE name = 'Edsger'",
    "DELETE FROM orders WHERE item = 'bug'",
    "SELECT c.name, o.item, o.qty, printf('%.2f', o.qty * o.price) AS total"
    " FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY c.name, o.item",
    "SELECT c.name, count(o.id) AS n, printf('%.2f', coalesce(sum(o.qty * o.price), 0)) AS spent"
    " FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id ORDER BY spent DESC, c.name",
    "SELECT city, length(city) AS len, upper(city) AS up, substr(city, 2, 3) AS mid"
    " FROM customers ORDER BY len, city",
    "SELECT count(*) AS customers, (SELECT count(*) FROM orders) AS orders,"
    " (SELECT max(price) FROM orders) AS max_price, (SELECT min(qty) FROM orders) AS min_qty",
    /* A bigger table: 20000 rows through a recursive CTE, an index, and
     * aggregates over it. */
    "CREATE TABLE numbers (n INTEGER PRIMARY KEY, square INTEGER, parity TEXT, label TEXT)",
    "BEGIN",
    "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < 20000)"
    " INSERT INTO numbers SELECT x, x * x, CASE x % 2 WHEN 0 THEN 'even' ELSE 'odd' END,"
    " 'number ' || x FROM seq",
    "COMMIT",
    "CREATE INDEX numbers_parity ON numbers (parity, square)",
    "SELECT parity, count(*) AS n, sum(n) AS total, max(square) AS biggest, printf('%.3f', avg(n)) AS mean"
    " FROM numbers GROUP BY parity ORDER BY parity",
    "SELECT n, label FROM numbers WHERE square BETWEEN 1000 AND 1500 ORDER BY n",
    "SELECT count(*) AS fizzbuzz FROM numbers WHERE n % 15 = 0",
    "SELECT group_concat(n, ',') AS first_primes FROM (SELECT n FROM numbers a WHERE n > 1 AND NOT EXISTS"
    " (SELECT 1 FROM numbers b WHERE b.n > 1 AND b.n * b.n <= a.n AND a.n % b.n = 0) ORDER BY n LIMIT 20)",
    "SELECT label FROM numbers ORDER BY label DESC LIMIT 3",
    "BEGIN",
    "DELETE FROM numbers WHERE n > 100",
    "SELECT count(*) AS during_transaction FROM numbers",
    "ROLLBACK",
    "SELECT count(*) AS after_rollback FROM numbers",
    "DELETE FROM numbers WHERE n % 3 = 0",
    "VACUUM",
    "SELECT count(*) AS after_delete_and_vacuum, sum(n) AS total FROM numbers",
    "PRAGMA integrity_check",
    NULL,
};

int main(void) {
    printf("sqlite %s\n", sqlite3_libversion());
    sqlite3 *db = open_db();
    for (int i = 0; script[i]; i++) run(db, script[i]);

    /* Prepared statement with bound parameters and typed columns. */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT n, square, label, n / 7.0 FROM numbers WHERE n BETWEEN ? AND ? ORDER BY n",
                           -1, &st, NULL) != SQLITE_OK) {
        printf("prepare: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_bind_int(st, 1, 995);
    sqlite3_bind_int(st, 2, 1010);
    puts("> prepared: n BETWEEN 995 AND 1010");
    while (sqlite3_step(st) == SQLITE_ROW) {
        printf("  %d %lld %s %.6f\n", sqlite3_column_int(st, 0), (long long)sqlite3_column_int64(st, 1),
               (const char *)sqlite3_column_text(st, 2), sqlite3_column_double(st, 3));
        rows_printed++;
    }
    sqlite3_finalize(st);
    if (sqlite3_close(db) != SQLITE_OK) {
        printf("close: %s\n", sqlite3_errmsg(db));
        return 1;
    }

    /* Reopen: everything must have reached the file. */
    puts("== reopened");
    db = open_db();
    run(db, "SELECT count(*) AS customers FROM customers");
    run(db, "SELECT count(*) AS numbers, max(n) AS max_n FROM numbers");
    run(db, "SELECT name FROM sqlite_master ORDER BY name");
    run(db, "PRAGMA page_count");
    sqlite3_close(db);
    printf("%d rows printed\n", rows_printed);
    return 0;
}
