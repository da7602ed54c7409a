package httpserver

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"casegate/server/export"
	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/casetype"
	"casegate/shared/model"
	"casegate/shared/spec"
)

func (s *Server) handleListCaseTypes(w http.ResponseWriter, r *http.Request) error {
	reg, err := s.Importer.Registry(r.Context(), userOf(r).Domain)
	if err != nil {
		return err
	}
	out := api.CaseTypes{CaseTypes: []casetype.CaseType{}}
	for _, n := range reg.Names() {
		ct, _ := reg.Lookup(n)
		out.CaseTypes = append(out.CaseTypes, ct)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleSaveCaseType(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	if u.Role != "admin" {
		return model.Errorf(model.EForbidden, "Only an admin can change case types.")
	}
	var ct casetype.CaseType
	if err := decodeJSON(r, &ct); err != nil {
		return err
	}
	if ct.Name == "" {
		ct.Name = r.PathValue("name")
	}
	if ct.Name != r.PathValue("name") {
		return model.Errorf(model.EInvalid, "The case type's name %q does not match the path (%q).", ct.Name, r.PathValue("name"))
	}
	if err := ct.Validate(); err != nil {
		return model.Errorf(model.EInvalid, "%s", err.Error())
	}
	b, _ := json.Marshal(ct)
	if err := s.Store.SaveCaseType(r.Context(), u.Domain, ct.Name, b); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ct)
	return nil
}

func (s *Server) handleTemplate(w http.ResponseWriter, r *http.Request) error {
	reg, err := s.Importer.Registry(r.Context(), userOf(r).Domain)
	if err != nil {
		return err
	}
	ct, ok := reg.Lookup(r.PathValue("name"))
	if !ok {
		return model.Errorf(model.ENotFound, "No case type %q.", r.PathValue("name"))
	}
	var buf bytes.Buffer
	switch fileExt(r, "template") {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		err = export.WriteTemplateCSV(&buf, ct)
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		err = export.WriteTemplateXLSX(&buf, ct)
	default:
		return model.Errorf(model.ENotFound, "Templates are .csv or .xlsx.")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+ct.Name+`-template.`+fileExt(r, "template")+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// handleListCases answers GET /a/{domain}/api/cases/?case_type=T as JSON
// (paged with limit and after) or as a csv/xlsx export of every case.
func (s *Server) handleListCases(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	q := r.URL.Query()
	f := store.CaseFilter{CaseType: q.Get("case_type"), After: q.Get("after"), Limit: 100}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 1000 {
			return model.Errorf(model.EInvalid, "limit must be a number from 1 to 1000.")
		}
		f.Limit = n
	}
	format := q.Get("format")
	if format == "csv" || format == "xlsx" {
		var all []model.Case
		f.Limit = 5000
		for {
			page, err := s.Store.ListCases(r.Context(), u.Domain, f)
			if err != nil {
				return err
			}
			all = append(all, page...)
			if len(page) < f.Limit {
				break
			}
			f.After = page[len(page)-1].CaseID
		}
		var buf bytes.Buffer
		var err error
		name := "cases"
		if f.CaseType != "" {
			name = f.CaseType
		}
		if format == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = export.WriteCSV(&buf, all)
		} else {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			err = export.WriteXLSX(&buf, all)
		}
		if err != nil {
			return err
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-export.`+format+`"`)
		_, _ = w.Write(buf.Bytes())
		return nil
	} else if format != "" && format != "json" {
		return model.Errorf(model.EInvalid, "format must be json, csv or xlsx.")
	}
	page, err := s.Store.ListCases(r.Context(), u.Domain, f)
	if err != nil {
		return err
	}
	out := api.CasesPage{Cases: []api.CaseJSON{}}
	for _, c := range page {
		props := c.Properties
		if props == nil {
			props = map[string]string{}
		}
		out.Cases = append(out.Cases, api.CaseJSON{CaseID: c.CaseID, CaseType: c.CaseType, ExternalID: c.ExternalID, Name: c.Name,
			OwnerID: c.OwnerID, Closed: c.Closed, DateOpened: c.DateOpened, Parent: c.Parent, Properties: props})
	}
	if len(page) == f.Limit {
		out.Next = "/a/" + u.Domain + "/api/cases/?case_type=" + f.CaseType + "&limit=" + strconv.Itoa(f.Limit) + "&after=" + page[len(page)-1].CaseID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// handleCaseIndex sends the compact, gzip-compressed case index the page
// keeps for offline parent matching.
func (s *Server) handleCaseIndex(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	ix := api.CaseIndex{Domain: u.Domain, Generated: time.Now().UTC().Format(time.RFC3339), Cases: [][]string{}}
	f := store.CaseFilter{Limit: 5000}
	for {
		page, err := s.Store.ListCases(r.Context(), u.Domain, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			var pid, pt string
			if c.Parent != nil {
				pid, pt = c.Parent.CaseID, c.Parent.CaseType
			}
			ix.Cases = append(ix.Cases, []string{c.CaseID, c.CaseType, c.ExternalID, c.Name, c.OwnerID, pid, pt, c.DateOpened})
		}
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].CaseID
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Vary", "Accept-Encoding")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		gz := gzip.NewWriter(w)
		defer gz.Close()
		return json.NewEncoder(gz).Encode(ix)
	}
	return json.NewEncoder(w).Encode(ix)
}

func (s *Server) handleLookup(w http.ResponseWriter, r *http.Request) error {
	var req api.LookupRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if len(req.CaseIDs)+len(req.ExternalIDs) > 100000 {
		return model.Errorf(model.ETooLarge, "At most 100,000 keys can be looked up at once.")
	}
	u := userOf(r)
	out := api.LookupResponse{ByID: map[string]model.Case{}, ByExternalID: map[string][]model.Case{}}
	var err error
	if len(req.CaseIDs) > 0 {
		if out.ByID, err = s.Store.FindCasesByID(r.Context(), s.Store.DB(), u.Domain, req.CaseIDs); err != nil {
			return err
		}
	}
	if len(req.ExternalIDs) > 0 {
		if out.ByExternalID, err = s.Store.FindCasesByExternalID(r.Context(), s.Store.DB(), u.Domain, "", req.ExternalIDs); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func toSavedSpec(x store.SavedSpec) api.SavedSpec {
	var sp spec.Spec
	_ = json.Unmarshal(x.Spec, &sp)
	out := api.SavedSpec{ID: x.ID, Name: x.Name, CaseType: x.CaseType, Spec: sp,
		CreatedAt: x.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: x.UpdatedAt.UTC().Format(time.RFC3339)}
	if !x.LastUsedAt.IsZero() {
		out.LastUsedAt = x.LastUsedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func (s *Server) handleListSpecs(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	ct := r.URL.Query().Get("case_type")
	list, err := s.Store.ListSpecs(r.Context(), u.Domain, ct)
	if err != nil {
		return err
	}
	out := api.Specs{Specs: []api.SavedSpec{}}
	for _, x := range list {
		out.Specs = append(out.Specs, toSavedSpec(x))
	}
	sort.SliceStable(out.Specs, func(i, j int) bool { return out.Specs[i].Name < out.Specs[j].Name })
	if ct != "" {
		if last, err := s.Store.LastSpecForCaseType(r.Context(), u.Domain, ct); err == nil && last != nil {
			out.Last = last.ID
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleCreateSpec(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string    `json:"name"`
		Spec spec.Spec `json:"spec"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 200 {
		return model.Errorf(model.EInvalid, "A saved spec needs a name of 1 to 200 characters.")
	}
	sp, err := in.Spec.Normalize()
	if err != nil {
		return model.Errorf(model.EInvalid, "%s", err.Error())
	}
	b, _ := json.Marshal(sp)
	x, err := s.Store.CreateSpec(r.Context(), userOf(r).Domain, in.Name, sp.CaseType, b)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSavedSpec(x))
	return nil
}

func (s *Server) handleRenameSpec(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 200 {
		return model.Errorf(model.EInvalid, "A saved spec needs a name of 1 to 200 characters.")
	}
	x, err := s.Store.RenameSpec(r.Context(), userOf(r).Domain, r.PathValue("id"), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toSavedSpec(x))
	return nil
}

func (s *Server) handleDuplicateSpec(w http.ResponseWriter, r *http.Request) error {
	x, err := s.Store.DuplicateSpec(r.Context(), userOf(r).Domain, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toSavedSpec(x))
	return nil
}

func (s *Server) handleDeleteSpec(w http.ResponseWriter, r *http.Request) error {
	if err := s.Store.DeleteSpec(r.Context(), userOf(r).Domain, r.PathValue("id")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"deleted": true})
	return nil
}

func (s *Server) handleNewKey(w http.ResponseWriter, r *http.Request) error {
	u := userOf(r)
	key, err := s.Store.CreateAPIKey(r.Context(), u.Domain, u.ID)
	if err != nil {
		return err
	}
	base := s.Config.PublicURL
	if base == "" {
		base = "http://" + r.Host
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": key, "curl": BulkCurl(base, u.Domain, u.Email, key)})
	return nil
}

// BulkCurl is the ready-to-paste bulk upload call for integrators.
func BulkCurl(base, domain, email, key string) string {
	return `curl -v ` + base + `/a/` + domain + `/importer/excel/bulk_upload_api/ -H "Authorization: ApiKey ` + email + `:` + key + `"` +
		` -F "file=@household_case_upload.xlsx" -F "case_type=household" -F "search_field=external_id" -F "search_column=household_id" -F "create_new_cases=on"`
}
