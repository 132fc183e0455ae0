package sqlstore

import "context"

// MigrateTo applies the migrations up to version upTo only.
func (db *DB) MigrateTo(ctx context.Context, upTo int) ([]string, error) {
	return db.migrateTo(ctx, false, upTo)
}
