package sqlstore

// SetBeforeRoundTrip installs the beforeRoundTrip hook (tests only).
func SetBeforeRoundTrip(db *DB, f func()) { db.beforeRoundTrip = f }
