package httpserver

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"casegate/shared/api"
	"casegate/shared/model"
)

// statusOf is the one table from error kinds to HTTP status codes.
var statusOf = map[model.ErrorKind]int{
	model.EInvalid:       http.StatusBadRequest,
	model.ENotFound:      http.StatusNotFound,
	model.EConflict:      http.StatusConflict,
	model.EUnauthorized:  http.StatusUnauthorized,
	model.EForbidden:     http.StatusForbidden,
	model.ETooLarge:      http.StatusRequestEntityTooLarge,
	model.EUnavailable:   http.StatusServiceUnavailable,
	model.EInternal:      http.StatusInternalServerError,
	model.EUnsupported:   http.StatusUnsupportedMediaType,
	model.EUnprocessable: http.StatusUnprocessableEntity,
}

// handler is an http handler that returns its failure.
type handler func(w http.ResponseWriter, r *http.Request) error

// errorWriter renders a handler's error; the native API and the CommCare
// API render differently.
type errorWriter func(w http.ResponseWriter, r *http.Request, err error)

func (s *Server) wrap(h handler, render errorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			render(w, r, err)
		}
	})
}

// tooLarge turns http.MaxBytesReader's error into ours.
func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return model.Errorf(model.ETooLarge, "The request is larger than the limit of %d MiB.", mbe.Limit>>20)
	}
	return err
}

// serveError renders a native API error as {"error": {"code", "message"}}.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	err = tooLarge(err)
	kind := model.KindOf(err)
	status := statusOf[kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status >= 500 && kind != model.EUnavailable {
		s.Log.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="casegate"`)
	}
	if kind == model.EUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, api.Error{Error: api.ErrorBody{Code: kind, Message: model.MessageOf(err)}})
}

// serveCommCareError renders errors of the CommCare-compatible API: HTTP 500
// {"code": 500, "message": …} for a file or request it cannot take, as
// CommCare does; auth, busy and size failures keep their own status.
func (s *Server) serveCommCareError(w http.ResponseWriter, r *http.Request, err error) {
	err = tooLarge(err)
	kind := model.KindOf(err)
	status := http.StatusInternalServerError
	switch kind {
	case model.EUnauthorized, model.EForbidden, model.ENotFound, model.EUnavailable, model.ETooLarge:
		status = statusOf[kind]
	case model.EInternal:
		s.Log.Error("bulk api failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="casegate"`)
	}
	if kind == model.EUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	writeJSON(w, status, api.BulkUploadResponse{Code: status, Message: model.MessageOf(err)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decodeJSON reads a JSON body into v.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		if err2 := tooLarge(err); err2 != err {
			return err2
		}
		return model.Errorf(model.EInvalid, "The request body is not valid JSON: %v.", err)
	}
	return nil
}

// fileExt returns the extension of a {file} path segment named prefix.ext
// ("template.csv" → "csv"), or "" for any other name.
func fileExt(r *http.Request, prefix string) string {
	f := r.PathValue("file")
	if ext, ok := strings.CutPrefix(f, prefix+"."); ok {
		return ext
	}
	return ""
}
