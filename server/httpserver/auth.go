package httpserver

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/model"
)

// SessionCookie names the browser session cookie.
const SessionCookie = "casegate_session"

var (
	errUnauthorized = model.Errorf(model.EUnauthorized, "Sign in, or send an API key (Authorization: ApiKey user:key) or Basic credentials.")
	errBusy         = model.Errorf(model.EUnavailable, "The server is busy reading other files; try again in a few seconds.")
	errDomain       = model.Errorf(model.ENotFound, "No such project.")
	errReadOnly     = model.Errorf(model.EForbidden, "Your role can view this project but not change it.")
	errTooMany      = model.Errorf(model.EUnavailable, "Too many failed sign-ins; wait a minute and try again.")
)

type ctxKey struct{}

// userOf returns the authenticated user of a request.
func userOf(r *http.Request) store.User {
	u, _ := r.Context().Value(ctxKey{}).(store.User)
	return u
}

// authenticate checks the request's credentials before any body is read.
func (s *Server) authenticate(r *http.Request) (store.User, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, cred, _ := strings.Cut(h, " ")
		switch strings.ToLower(scheme) {
		case "apikey":
			email, key, ok := strings.Cut(strings.TrimSpace(cred), ":")
			if !ok {
				return store.User{}, errUnauthorized
			}
			if !s.limiter.allow(email) {
				return store.User{}, errTooMany
			}
			u, err := s.Store.AuthenticateAPIKey(ctx, email, key)
			if err != nil {
				return store.User{}, s.authFailed(email, err)
			}
			return u, nil
		case "basic":
			email, pw, ok := r.BasicAuth()
			if !ok {
				return store.User{}, errUnauthorized
			}
			if !s.limiter.allow(email) {
				return store.User{}, errTooMany
			}
			u, err := s.Store.AuthenticatePassword(ctx, email, pw)
			if err != nil {
				if model.KindOf(err) != model.EUnauthorized {
					return store.User{}, err
				}
				// Scripts may send the API key as the Basic password.
				u2, err2 := s.Store.AuthenticateAPIKey(ctx, email, pw)
				if err2 == nil {
					return u2, nil
				}
				return store.User{}, s.authFailed(email, err2)
			}
			return u, nil
		}
		return store.User{}, errUnauthorized
	}
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		u, err := s.Store.FindSession(ctx, c.Value)
		if err != nil {
			if model.KindOf(err) != model.EUnauthorized {
				return store.User{}, err
			}
			return store.User{}, errUnauthorized
		}
		return u, nil
	}
	return store.User{}, errUnauthorized
}

// inDomain authenticates and checks that the user belongs to the path's
// domain. Another domain answers 404, so domains cannot be probed.
func (s *Server) inDomain(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		u, err := s.authenticate(r)
		if err != nil {
			return err
		}
		if r.PathValue("domain") != u.Domain {
			return errDomain
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && u.Role == "viewer" {
			return errReadOnly
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.Config.MaxBodyBytes)
		return h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, u)))
	}
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var in api.Login
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if !s.limiter.allow(in.Email) {
		return errTooMany
	}
	u, err := s.Store.AuthenticatePassword(r.Context(), in.Email, in.Password)
	if err != nil {
		if model.KindOf(err) != model.EUnauthorized {
			return err
		}
		s.limiter.fail(in.Email)
		return model.Errorf(model.EUnauthorized, "The email or password is wrong.")
	}
	token, err := s.Store.CreateSession(r.Context(), u.ID)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 12 * 3600})
	writeJSON(w, http.StatusOK, api.Me{Email: u.Email, Domain: u.Domain, Role: u.Role})
	return nil
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(SessionCookie); err == nil {
		_ = s.Store.DeleteSession(r.Context(), c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	u, err := s.authenticate(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Me{Email: u.Email, Domain: u.Domain, Role: u.Role})
	return nil
}

// authFailed counts a wrong secret against its email; an outage (the
// database down) is not a wrong secret: it must not lock users out.
func (s *Server) authFailed(email string, err error) error {
	if model.KindOf(err) != model.EUnauthorized {
		return err
	}
	s.limiter.fail(email)
	return errUnauthorized
}

// limiter counts failed sign-ins per email in a window (brute force).
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	if max <= 0 {
		max = 10
	}
	return &limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

func (l *limiter) recent(email string, now time.Time) []time.Time {
	ts := l.fails[email]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, email)
	} else {
		l.fails[email] = ts
	}
	return ts
}

func (l *limiter) allow(email string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(strings.ToLower(email), time.Now())) < l.max
}

func (l *limiter) fail(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := strings.ToLower(email)
	l.fails[k] = append(l.recent(k, time.Now()), time.Now())
	if len(l.fails) > 100000 { // bound memory under a spray of emails
		l.fails = map[string][]time.Time{}
	}
}
