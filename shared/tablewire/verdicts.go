package tablewire

import (
	"encoding/json"
	"slices"
	"strings"

	"casegate/shared/model"
)

// Verdict is one row's verdict as the page shows it: engine.RowResult
// without what a commit writes.
type Verdict struct {
	File     string        `json:"file"`
	Sheet    string        `json:"sheet"`
	Row      int           `json:"row"`
	Action   string        `json:"action"`
	CaseID   string        `json:"case_id,omitempty"`
	CaseType string        `json:"case_type"`
	Issues   []model.Issue `json:"issues,omitempty"`
}

const verdictMagic = "vw1\n"

// EncodeVerdicts writes verdicts in the compact form (decoding 100,000 of
// them from JSON took 1.6 s on the page's thread). Candidates, rare, are
// JSON inside it.
func EncodeVerdicts(vs []Verdict) string { return string(AppendVerdicts(nil, vs)) }

// AppendVerdicts is EncodeVerdicts appending to dst.
func AppendVerdicts(dst []byte, vs []Verdict) []byte {
	n := len(verdictMagic)
	for _, v := range vs {
		n += 40 + len(v.File) + len(v.Sheet) + len(v.Action) + len(v.CaseID) + len(v.CaseType)
		for _, is := range v.Issues {
			n += 24 + len(is.Severity) + len(is.Code) + len(is.Column) + len(is.Value) + len(is.Message) + len(is.Suggestion)
		}
	}
	w := &Writer{b: slices.Grow(dst, n)}
	w.b = append(w.b, verdictMagic...)
	w.num(len(vs))
	for _, v := range vs {
		w.str(v.File)
		w.str(v.Sheet)
		w.num(v.Row)
		w.str(v.Action)
		w.str(v.CaseID)
		w.str(v.CaseType)
		w.num(len(v.Issues))
		for _, is := range v.Issues {
			w.str(string(is.Severity))
			w.str(string(is.Code))
			w.str(is.Column)
			w.str(is.Value)
			w.str(is.Message)
			w.str(is.Suggestion)
			w.str(candidates(is))
		}
	}
	return w.b
}

// offerMark starts the short form of the most common candidate list: only
// the offer of a new case named by the issue's value (every missing parent
// has it; JSON for each cost the page a json.Unmarshal per row).
const offerMark = "*"

// candidates is an issue's candidates as written: "", the short form of a
// lone offer, or JSON.
func candidates(is model.Issue) string {
	switch cs := is.Candidates; {
	case len(cs) == 0:
		return ""
	case len(cs) == 1 && isOffer(cs[0], is.Value):
		return offerMark + cs[0].CaseType
	}
	j, _ := json.Marshal(is.Candidates)
	return string(j)
}

// isOffer reports whether c is exactly the short form's candidate
// (TestOfferFields fails when model.Candidate grows a field not weighed here).
func isOffer(c model.Candidate, value string) bool {
	return c.New && c.ExternalID == value && c.Name == value && c.CaseID == "" && c.OwnerID == "" && c.DateOpened == "" &&
		c.File == "" && c.Sheet == "" && c.Row == 0 && c.Properties == nil
}

// DecodeVerdicts reads the compact form. Texts are slices of s.
func DecodeVerdicts(s string) ([]Verdict, error) {
	r, err := NewVerdictReader(s)
	if err != nil {
		return nil, err
	}
	if _, err := r.Read(len(r.vs)); err != nil {
		return nil, err
	}
	return r.Verdicts(), nil
}

// VerdictReader decodes the compact form a part at a time, so the page can
// draw frames between the parts (100,000 verdicts took ~120 ms at once).
type VerdictReader struct {
	d      decoder
	vs     []Verdict
	next   int
	issues []model.Issue // every row's issues in shared arrays
}

// NewVerdictReader starts reading s.
func NewVerdictReader(s string) (*VerdictReader, error) {
	if !strings.HasPrefix(s, verdictMagic) {
		return nil, errBad
	}
	r := &VerdictReader{d: decoder{s: s, i: len(verdictMagic)}}
	r.vs = make([]Verdict, r.d.count(1<<24))
	return r, r.d.err
}

// Len is how many verdicts there are; Done how many are read.
func (r *VerdictReader) Len() int  { return len(r.vs) }
func (r *VerdictReader) Done() int { return r.next }

// Read decodes up to n more verdicts and reports whether all are read.
func (r *VerdictReader) Read(n int) (bool, error) {
	d := &r.d
	for end := min(r.next+n, len(r.vs)); r.next < end; r.next++ {
		v := &r.vs[r.next]
		v.File, v.Sheet = d.str(), d.str()
		v.Row = d.num()
		v.Action, v.CaseID, v.CaseType = d.str(), d.str(), d.str()
		ni := d.count(1 << 16)
		if d.err != nil {
			return false, d.err
		}
		if ni == 0 {
			continue
		}
		if len(r.issues) < ni {
			r.issues = make([]model.Issue, max(ni, 16*1024))
		}
		v.Issues, r.issues = r.issues[:ni:ni], r.issues[ni:]
		for k := range v.Issues {
			is := &v.Issues[k]
			is.Severity, is.Code = model.Severity(d.str()), model.Code(d.str())
			is.Column, is.Value, is.Message, is.Suggestion = d.str(), d.str(), d.str(), d.str()
			if c := d.str(); c != "" && d.err == nil {
				if strings.HasPrefix(c, offerMark) {
					is.Candidates = []model.Candidate{{CaseType: c[len(offerMark):], ExternalID: is.Value, Name: is.Value, New: true}}
				} else if err := json.Unmarshal([]byte(c), &is.Candidates); err != nil || len(is.Candidates) == 0 {
					return false, errBad
				}
			}
		}
	}
	if d.err != nil {
		return false, d.err
	}
	if r.next < len(r.vs) {
		return false, nil
	}
	if d.i != len(d.s) {
		d.err = errBad
		return false, d.err
	}
	return true, nil
}

// Verdicts returns what is read so far.
func (r *VerdictReader) Verdicts() []Verdict { return r.vs[:r.next] }
