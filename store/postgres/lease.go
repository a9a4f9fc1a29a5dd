package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Lease takes or renews the lease on source for owner until ttl from now, in
// one statement, so two replicas asking at once cannot both win. Expiry is
// judged by the database clock, which all replicas share.
func (db *DB) Lease(ctx context.Context, source, owner string, ttl time.Duration) (bool, error) {
	if source == "" || owner == "" {
		return false, errors.New("lease: empty source or owner")
	}
	var got string
	err := db.pool.QueryRow(ctx, `
INSERT INTO leases (source, owner, expires)
VALUES ($1, $2, clock_timestamp() + $3 * interval '1 microsecond')
ON CONFLICT (source) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
WHERE leases.expires < clock_timestamp() OR leases.owner = excluded.owner
RETURNING owner`, clean(source), clean(owner), ttl.Microseconds()).Scan(&got)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("lease %s for %s: %w", source, owner, err)
	}
	return true, nil
}
