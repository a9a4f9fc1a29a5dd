package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tributaryfeeds/tributary/store"
)

// TestItemsQueryPlan checks that every shape of window query is answered
// from an index, never by scanning the items table.
func TestItemsQueryPlan(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, q := range []store.Query{
		{Limit: 50},
		{},
		{Since: now, Limit: 50},
		{Before: now, Limit: 50},
		{Before: now, BeforeKey: "a\x00x", Since: now.Add(-time.Hour), Limit: 50},
	} {
		query, args := itemsQuery(q, []string{"a", "b", "c"})
		plan := explain(t, db, query, args)
		if strings.Contains(plan, "SCAN items") || !strings.Contains(plan, "USING COVERING INDEX") {
			t.Errorf("query %+v: plan does not use an index:\n%s", q, plan)
		}
	}
}

func explain(t *testing.T, db *DB, query string, args []any) string {
	t.Helper()
	rows, err := db.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
