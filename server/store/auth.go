package store

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"casegate/shared/model"
)

// User is a person who can sign in to one domain.
type User struct {
	ID     string
	Domain string
	Email  string
	Role   string // admin | editor | viewer
}

const pbkdf2Iter = 120000

var errBadLogin = model.Errorf(model.EUnauthorized, "The email or password is wrong.")

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	k, err := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iter, 32)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", pbkdf2Iter, hex.EncodeToString(salt), hex.EncodeToString(k)), nil
}

// dummyHash makes a wrong email cost what a wrong password costs. Made on
// first use: at init it cost every start of the binary 20 ms, `check` too.
var dummyHash = sync.OnceValue(func() string { h, _ := hashPassword(randomHex(16)); return h })

func checkPassword(stored, pw string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 4 {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil {
		return false
	}
	salt, err1 := hex.DecodeString(parts[2])
	want, err2 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, pw, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}

var domainRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// CreateDomain creates a domain (a project).
func (s *Store) CreateDomain(ctx context.Context, name string) error {
	if !domainRE.MatchString(name) {
		return model.Errorf(model.EInvalid, "A project name uses a-z, 0-9 and -, up to 63 characters.")
	}
	_, err := s.exec(ctx, `INSERT INTO domains (name, created_at) VALUES ($1, $2)`, name, now())
	return mapErr(err)
}

// FindDomain returns the domain's name if it exists.
func (s *Store) FindDomain(ctx context.Context, name string) (string, error) {
	var n string
	err := s.db.QueryRowContext(ctx, `SELECT name FROM domains WHERE name = $1`, name).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("project")
	}
	if err != nil {
		return "", fmt.Errorf("find domain: %w", err)
	}
	return n, nil
}

// ListDomains lists every domain by name (for the operator's command line,
// never for a user: a user sees only their own).
func (s *Store) ListDomains(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM domains ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list domains: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// CreateUser creates a user with a random password, returned once.
func (s *Store) CreateUser(ctx context.Context, domain, email, role string) (User, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") || len(email) > 254 {
		return User{}, "", model.Errorf(model.EInvalid, "%q is not an email address.", email)
	}
	switch role {
	case "admin", "editor", "viewer":
	default:
		return User{}, "", model.Errorf(model.EInvalid, "The role must be admin, editor or viewer.")
	}
	pw := randomHex(9)
	h, err := hashPassword(pw)
	if err != nil {
		return User{}, "", err
	}
	u := User{ID: randomHex(16), Domain: domain, Email: email, Role: role}
	_, err = s.exec(ctx, `INSERT INTO users (id, domain, email, role, pw_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		u.ID, domain, email, role, h, now())
	if err != nil {
		return User{}, "", mapErr(err)
	}
	return u, pw, nil
}

// SetPassword replaces a user's password.
func (s *Store) SetPassword(ctx context.Context, userID, pw string) error {
	h, err := hashPassword(pw)
	if err != nil {
		return err
	}
	_, err = s.exec(ctx, `UPDATE users SET pw_hash = $1 WHERE id = $2`, h, userID)
	return err
}

// FindUserByEmail finds a user.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := s.db.QueryRowContext(ctx, `SELECT id, domain, email, role FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))).
		Scan(&u.ID, &u.Domain, &u.Email, &u.Role)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("user")
	}
	return u, err
}

// AuthenticatePassword checks an email and password; the error is the same
// whether or not the user exists, and takes as long.
func (s *Store) AuthenticatePassword(ctx context.Context, email, pw string) (User, error) {
	var u User
	var h string
	err := s.db.QueryRowContext(ctx, `SELECT id, domain, email, role, pw_hash FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))).
		Scan(&u.ID, &u.Domain, &u.Email, &u.Role, &h)
	if errors.Is(err, sql.ErrNoRows) {
		checkPassword(dummyHash(), pw)
		return User{}, errBadLogin
	}
	if err != nil {
		return User{}, err
	}
	if !checkPassword(h, pw) {
		return User{}, errBadLogin
	}
	return u, nil
}

// CreateAPIKey issues a key (32 random bytes, hex) for a domain's user,
// returned once; only its SHA-256 and first 8 characters (to tell keys
// apart in a list) are stored. A key is high-entropy, so a fast hash is
// enough, unlike a password.
func (s *Store) CreateAPIKey(ctx context.Context, domain, userID string) (string, error) {
	key := randomHex(32)
	res, err := s.exec(ctx, `INSERT INTO api_keys (id, domain, user_id, key_hash, prefix, created_at)
		SELECT $1, domain, id, $2, $3, $4 FROM users WHERE id = $5 AND domain = $6`,
		randomHex(16), sha(key), key[:8], now(), userID, domain)
	if err != nil {
		return "", mapErr(fmt.Errorf("create api key: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", notFound("user")
	}
	return key, nil
}

// AuthenticateAPIKey checks an email and API key. The user's key hashes are
// compared in constant time, and an unknown email costs the same compare
// and gets the same error as a wrong key.
func (s *Store) AuthenticateAPIKey(ctx context.Context, email, key string) (User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.domain, u.email, u.role, k.key_hash FROM users u JOIN api_keys k ON k.user_id = u.id
		WHERE u.email = $1`, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return User{}, fmt.Errorf("authenticate api key: %w", err)
	}
	defer rows.Close()
	got := sha256.Sum256([]byte(key))
	var found *User
	seen := false
	for rows.Next() {
		var u User
		var h string
		if err := rows.Scan(&u.ID, &u.Domain, &u.Email, &u.Role, &h); err != nil {
			return User{}, fmt.Errorf("authenticate api key: %w", err)
		}
		seen = true
		want, _ := hex.DecodeString(h)
		if subtle.ConstantTimeCompare(got[:], want) == 1 && found == nil {
			found = &u
		}
	}
	if err := rows.Err(); err != nil {
		return User{}, fmt.Errorf("authenticate api key: %w", err)
	}
	if !seen {
		subtle.ConstantTimeCompare(got[:], dummyKeyHash[:])
	}
	if found == nil {
		return User{}, errBadLogin
	}
	return *found, nil
}

var dummyKeyHash = sha256.Sum256([]byte(randomHex(32)))

// SessionTTL is how long a browser session lasts.
const SessionTTL = 12 * time.Hour

// CreateSession starts a browser session and returns its token (32 random
// bytes, hex); only the token's SHA-256 is stored.
func (s *Store) CreateSession(ctx context.Context, userID string) (string, error) {
	tok := randomHex(32)
	res, err := s.exec(ctx, `INSERT INTO sessions (token_hash, user_id, domain, expires_at)
		SELECT $1, id, domain, $2 FROM users WHERE id = $3`, sha(tok), ts(time.Now().Add(SessionTTL)), userID)
	if err != nil {
		return "", mapErr(fmt.Errorf("create session: %w", err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", notFound("user")
	}
	return tok, nil
}

// FindSession returns the user of a live session.
func (s *Store) FindSession(ctx context.Context, token string) (User, error) {
	var u User
	var exp string
	err := s.db.QueryRowContext(ctx, `SELECT u.id, u.domain, u.email, u.role, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1`, sha(token)).Scan(&u.ID, &u.Domain, &u.Email, &u.Role, &exp)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && parseTS(exp).Before(time.Now())) {
		return User{}, errSessionEnded
	}
	if err != nil {
		return User{}, fmt.Errorf("find session: %w", err)
	}
	return u, nil
}

var errSessionEnded = model.Errorf(model.EUnauthorized, "The session has ended; sign in again.")

// DeleteSession ends a session (signing out); ending one that is gone is
// not an error.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, sha(token)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// PurgeSessions deletes expired sessions.
func (s *Store) PurgeSessions(ctx context.Context) (int, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now())
	if err != nil {
		return 0, fmt.Errorf("purge sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// CreateGroup creates a case-sharing group that can own cases.
func (s *Store) CreateGroup(ctx context.Context, domain, name string) (string, error) {
	id := randomHex(16)
	_, err := s.exec(ctx, `INSERT INTO groups (id, domain, name) VALUES ($1, $2, $3)`, id, domain, name)
	return id, mapErr(err)
}

// FindOwners lists the users and groups that can own a domain's cases.
func (s *Store) FindOwners(ctx context.Context, domain string) ([]model.Owner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, email, 'user' FROM users WHERE domain = $1 UNION ALL SELECT id, name, 'group' FROM groups WHERE domain = $1 ORDER BY 1`, domain)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.Owner{}
	for rows.Next() {
		var o model.Owner
		if err := rows.Scan(&o.ID, &o.Name, &o.Kind); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CaseTypeDef is a stored case type definition (JSON).
type CaseTypeDef struct {
	Name       string
	Definition []byte
}

// SaveCaseType stores (or replaces) a domain's case type.
func (s *Store) SaveCaseType(ctx context.Context, domain, name string, def []byte) error {
	_, err := s.exec(ctx, `INSERT INTO case_types (domain, name, definition, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (domain, name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`, domain, name, string(def), now())
	return mapErr(err)
}

// FindCaseType returns a domain's case type.
func (s *Store) FindCaseType(ctx context.Context, domain, name string) (CaseTypeDef, error) {
	var def string
	err := s.db.QueryRowContext(ctx, `SELECT definition FROM case_types WHERE domain = $1 AND name = $2`, domain, name).Scan(&def)
	if errors.Is(err, sql.ErrNoRows) {
		return CaseTypeDef{}, notFound("case type")
	}
	if err != nil {
		return CaseTypeDef{}, fmt.Errorf("find case type: %w", err)
	}
	return CaseTypeDef{Name: name, Definition: []byte(def)}, nil
}

// ListCaseTypes lists a domain's case types.
func (s *Store) ListCaseTypes(ctx context.Context, domain string) ([]CaseTypeDef, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, definition FROM case_types WHERE domain = $1 ORDER BY name`, domain)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CaseTypeDef
	for rows.Next() {
		var d CaseTypeDef
		var def string
		if err := rows.Scan(&d.Name, &def); err != nil {
			return nil, err
		}
		d.Definition = []byte(def)
		out = append(out, d)
	}
	return out, rows.Err()
}
