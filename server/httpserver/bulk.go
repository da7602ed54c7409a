package httpserver

import (
	"bytes"
	"errors"
	"net/http"
	"path/filepath"
	"strings"

	"casegate/server/importer"
	"casegate/shared/api"
	"casegate/shared/model"
	"casegate/shared/spec"
)

// handleBulkUpload is CommCare's POST /a/{domain}/importer/excel/bulk_upload_api/:
// multipart with file, case_type, search_field, search_column,
// create_new_cases (on), name_column, comment. The file is read once here,
// so a file the importer cannot take is refused at once (HTTP 500 with a
// message, as CommCare does); the import itself runs as a background job.
func (s *Server) handleBulkUpload(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if e := tooLarge(err); e != err {
			return e
		}
		return model.Errorf(model.EInvalid, "Invalid POST request. Both 'file' and 'case_type' are required")
	}
	defer r.MultipartForm.RemoveAll()
	file, fh, err := r.FormFile("file")
	caseType := strings.TrimSpace(r.FormValue("case_type"))
	if err != nil || caseType == "" {
		return model.Errorf(model.EInvalid, "Invalid POST request. Both 'file' and 'case_type' are required")
	}
	defer file.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(file); err != nil {
		return tooLarge(err)
	}
	sp := spec.Spec{CaseType: caseType, SearchField: r.FormValue("search_field"), SearchColumn: r.FormValue("search_column"),
		NameColumn: r.FormValue("name_column"), OnError: "skip"}
	switch strings.ToLower(r.FormValue("create_new_cases")) {
	case "on", "true", "yes", "1":
		sp.CreateNewCases = true
	}
	sp, err = sp.Normalize()
	if err != nil {
		return model.Errorf(model.EInvalid, "%s", err.Error())
	}
	name := filepath.Base(fh.Filename)
	if len(name) > 255 {
		return model.Errorf(model.EInvalid, "The file name is longer than 255 bytes.")
	}
	release, err := s.acquireParse(r.Context())
	if err != nil {
		return err
	}
	_, err = importer.ReadTables(r.Context(), s.Importer, u.Domain, name, buf.Bytes(), caseType, sp)
	release()
	if err != nil {
		var e *model.Error
		if errors.As(err, &e) {
			return model.Errorf(model.EInvalid, "Error processing your file. %s", e.Message)
		}
		return err
	}
	id, err := s.Importer.Enqueue(r.Context(), u, name, buf.Bytes(), importer.BulkParams{CaseType: caseType, Spec: sp, Comment: r.FormValue("comment")})
	if err != nil {
		return err
	}
	base := s.Config.PublicURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	writeJSON(w, http.StatusOK, api.BulkUploadResponse{Code: 200, Message: "success",
		StatusURL: base + "/a/" + u.Domain + "/importer/excel/upload_status/" + id + "/"})
	return nil
}

func (s *Server) handleBulkStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Importer.JobStatus(r.Context(), userOf(r).Domain, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
