package tablewire

import (
	"reflect"
	"strings"
	"testing"

	"casegate/shared/model"
)

var sample = []Table{
	{File: "households.csv", Sheet: "households", CaseType: "household", Header: []string{"external_id", "name", "note"},
		Rows: []Row{
			{Num: 2, Cells: []string{"HH-1", "Ann", "a,b:1:\n\"q\""}},
			{Num: 5, Cells: []string{"HH-2", "", "\x1e\x1f\x00 control and é 😀"}, Kinds: []uint8{1, 0, 1}},
		}},
	{File: "book.xlsx", Sheet: "members", CaseType: "member", Date1904: true, Header: []string{"dob"},
		Rows: []Row{{Num: 2, Cells: []string{"2001-02-03"}, Kinds: []uint8{4}}}},
	{File: "empty.csv", Sheet: "empty", Header: []string{}, Rows: []Row{}},
}

// TestIndex: each row decodes alone from where the index says it is, and
// the heads and counts are the tables without their rows.
func TestIndex(t *testing.T) {
	s, ix := EncodeIndexed(sample)
	if s != Encode(sample) {
		t.Fatal("EncodeIndexed and Encode differ")
	}
	if len(ix.Starts) != len(ix.Nums)+1 || ix.Starts[len(ix.Starts)-1] != int32(len(s)) {
		t.Fatalf("starts %v for %d rows", ix.Starts, len(ix.Nums))
	}
	k := 0
	for ti, tb := range sample {
		if h := ix.Heads[ti]; h.File != tb.File || h.Sheet != tb.Sheet || h.CaseType != tb.CaseType || h.Date1904 != tb.Date1904 ||
			!reflect.DeepEqual(h.Header, tb.Header) || h.Rows != nil || ix.Counts[ti] != len(tb.Rows) {
			t.Errorf("head %d: %+v, count %d", ti, h, ix.Counts[ti])
		}
		for _, want := range tb.Rows {
			got, err := DecodeRow(s[ix.Starts[k]:ix.Starts[k+1]])
			if err != nil || !reflect.DeepEqual(got, want) || ix.Nums[k] != int32(want.Num) {
				t.Errorf("row %d: %+v %v, want %+v (num %d)", k, got, err, want, ix.Nums[k])
			}
			k++
		}
	}
	if _, err := DecodeRow(s[ix.Starts[0] : ix.Starts[1]-1]); err == nil {
		t.Error("a cut row decoded")
	}
}

func TestRoundTrip(t *testing.T) {
	back, err := Decode(Encode(sample))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, sample) {
		t.Fatalf("round trip:\n%#v\n%#v", back, sample)
	}
	if _, err := Decode(`[{"file":"a"}]`); err == nil {
		t.Error("JSON decoded as the compact form")
	}
	enc := Encode(sample)
	for _, cut := range []int{len(enc) - 1, len(enc) / 2, len(magic) + 1} {
		if _, err := Decode(enc[:cut]); err == nil {
			t.Errorf("cut at %d decoded", cut)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(sample))
	f.Add(magic + "1,0:0:0:0,0,0,")
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := DecodeRow(s); err == nil && !strings.HasPrefix(s, Encode([]Table{{Header: []string{}, Rows: []Row{r}}})[len(magic)+len("1,0:0:0:0,0,1,"):]) {
			t.Fatalf("row %q decoded as %+v, which encodes otherwise", s, r)
		}
		ts, err := Decode(s)
		if err != nil {
			return
		}
		// What decodes encodes back to the same text.
		if again := Encode(ts); again != s {
			t.Fatalf("%q decoded, but encodes as %q", s, again)
		}
		// A sizer counts what the same tables write.
		z := NewSizer(len(ts))
		for _, tb := range ts {
			z.Table(tb, len(tb.Rows))
			for _, r := range tb.Rows {
				z.Row(r.Num, r.Cells, r.Kinds)
			}
		}
		if z.Size() != len(s) {
			t.Fatalf("%q: sized %d bytes, is %d", s, z.Size(), len(s))
		}
	})
}

var verdicts = []Verdict{
	{File: "m.csv", Sheet: "m", Row: 2, Action: "create", CaseType: "member"},
	{File: "m.csv", Sheet: "m", Row: 3, Action: "error", CaseID: "c1", CaseType: "member", Issues: []model.Issue{
		{Severity: model.SeverityError, Code: model.CodeParentAmbiguous, Column: "parent_external_id", Value: "HH-7", Message: "Parent HH-7 matches 2 cases; choose one.",
			Candidates: []model.Candidate{{CaseID: "h1", Name: "A", Properties: map[string]string{"village": "K"}}, {File: "h.csv", Sheet: "h", Row: 4}}},
		{Severity: model.SeverityWarning, Code: model.CodeBadAddress, Column: "address", Value: "1 Main, 12:34", Message: "m", Suggestion: "s,\n"},
	}},
	{File: "m.csv", Sheet: "m", Row: 4, Action: "error", CaseType: "member", Issues: []model.Issue{
		{Severity: model.SeverityError, Code: model.CodeParentNotFound, Column: "parent_external_id", Value: "HH-9", Message: "none",
			Candidates: []model.Candidate{{CaseType: "household", ExternalID: "HH-9", Name: "HH-9", New: true}}},
		{Severity: model.SeverityError, Code: model.CodeParentNotFound, Column: "parent_external_id", Value: "HH-8", Message: "an offer unlike the short form",
			Candidates: []model.Candidate{{CaseType: "household", ExternalID: "HH-8", Name: "Eight", New: true}}},
	}},
}

// TestCandidateFields: the compact form writes each of model.Candidate's
// fields; one added there must be added to Writer.candidates and the
// decoder.
func TestCandidateFields(t *testing.T) {
	if n := reflect.TypeOf(model.Candidate{}).NumField(); n != 11 {
		t.Errorf("model.Candidate has %d fields; the compact form writes 11", n)
	}
	full := []Verdict{{File: "m.csv", Sheet: "m", Row: 2, Action: "error", Issues: []model.Issue{{Severity: model.SeverityError, Code: model.CodeParentAmbiguous, Value: "HH-1", Message: "m",
		Candidates: []model.Candidate{{CaseID: "c", CaseType: "household", ExternalID: "HH-1", Name: "n", OwnerID: "o", DateOpened: "2024-01-02", File: "h.csv", Sheet: "h", Row: 3,
			Properties: map[string]string{"b": "2", "a": "1"}, New: true}}}}}}
	back, err := DecodeVerdicts(EncodeVerdicts(full))
	if err != nil || !reflect.DeepEqual(back, full) {
		t.Errorf("every field set: %+v %v", back, err)
	}
}

func TestVerdictsRoundTrip(t *testing.T) {
	back, err := DecodeVerdicts(EncodeVerdicts(verdicts))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, verdicts) {
		t.Fatalf("round trip:\n%#v\n%#v", back, verdicts)
	}
	enc := EncodeVerdicts(verdicts)
	if _, err := DecodeVerdicts(enc[:len(enc)-3]); err == nil {
		t.Error("a cut form decoded")
	}
}

func FuzzDecodeVerdicts(f *testing.F) {
	f.Add(EncodeVerdicts(verdicts))
	f.Fuzz(func(t *testing.T, s string) {
		vs, err := DecodeVerdicts(s)
		if err != nil {
			return
		}
		if _, err := DecodeVerdicts(EncodeVerdicts(vs)); err != nil {
			t.Fatalf("%q decoded, but its encoding does not: %v", s, err)
		}
	})
}

// TestVerdictReaderParts: read a part at a time, the verdicts are the ones
// read at once.
func TestVerdictReaderParts(t *testing.T) {
	var many []Verdict
	for i := 0; i < 7; i++ {
		many = append(many, verdicts...)
	}
	enc := EncodeVerdicts(many)
	r, err := NewVerdictReader(enc)
	if err != nil {
		t.Fatal(err)
	}
	parts := 0
	for done := false; !done; parts++ {
		if done, err = r.Read(3); err != nil {
			t.Fatal(err)
		}
	}
	var got []Verdict
	for i := range r.Verdicts().Len() {
		got = append(got, r.Verdicts().At(i))
	}
	if want := (len(many) + 2) / 3; parts != want || r.Done() != r.Len() || !reflect.DeepEqual(got, many) {
		t.Errorf("%d parts (want %d), %d of %d read, same: %v", parts, want, r.Done(), r.Len(), reflect.DeepEqual(got, many))
	}
	r, _ = NewVerdictReader(enc + "x")
	if _, err := r.Read(len(many)); err == nil {
		t.Error("trailing bytes read without error")
	}
	// Room for the issues is made once, from the count the form gives:
	// the reader, its rows and its issues, whatever the number of rows.
	for i := 0; i < 8; i++ {
		many = append(many, many...)
	}
	enc = EncodeVerdicts(many)
	if a := testing.AllocsPerRun(5, func() {
		r, _ := NewVerdictReader(enc)
		for done := false; !done; {
			done, _ = r.Read(1000)
		}
	}); a > 3 {
		t.Errorf("reading %d verdicts took %.0f allocations, want 3", len(many), a)
	}
}

// TestSharedCandidates: rows of a missing parent carry the same offer; it
// is decoded once and shared, and a different list is its own.
func TestSharedCandidates(t *testing.T) {
	offer := func(key string) []model.Candidate {
		return []model.Candidate{{CaseType: "household", ExternalID: key, Name: key, New: true}}
	}
	row := func(n int, key string) Verdict {
		return Verdict{File: "m.csv", Sheet: "m", Row: n, Action: "error", Issues: []model.Issue{{Severity: model.SeverityError, Code: model.CodeParentNotFound, Value: key, Message: "No household " + key, Candidates: offer(key)}}}
	}
	vs := []Verdict{row(2, "HH-1"), row(3, "HH-1"), row(4, "HH-2"), row(5, "HH-1")}
	// The engine shares a key's list among its rows.
	vs[1].Issues[0].Candidates = vs[0].Issues[0].Candidates
	enc := EncodeVerdicts(vs)
	if n := strings.Count(enc, "No household HH-1"); n != 2 {
		t.Errorf("the message of rows 2 and 3 is written %d times, want once for them and once for row 5", n)
	}
	if n := strings.Count(enc, "m.csv"); n != 1 {
		t.Errorf("the file is written %d times, want once", n)
	}
	back, err := DecodeVerdicts(enc)
	if err != nil || !reflect.DeepEqual(back, vs) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	r, _ := NewVerdictReader(enc)
	if _, err := r.Read(r.Len()); err != nil {
		t.Fatal(err)
	}
	v := r.Verdicts()
	c := func(i int) uint32 { return v.issues[v.rows[i].first].cands }
	if c(0) != c(1) {
		t.Error("the same offer on two rows in a row is read from two places")
	}
	if c(1) == c(2) || c(2) == c(3) || v.Candidates(3, 0)[0].ExternalID != "HH-1" || v.ParentType(3, 0) != "household" || v.NumCandidates(3, 0) != 1 {
		t.Error("a different offer shares a list")
	}
}

// TestVerdictsHoldNoPointers: the page keeps 100,000 verdicts; what holds
// them must give the collector nothing to mark but the form itself.
func TestVerdictsHoldNoPointers(t *testing.T) {
	var hasPtr func(reflect.Type) bool
	hasPtr = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Pointer, reflect.String, reflect.Slice, reflect.Map, reflect.Interface, reflect.Func, reflect.Chan, reflect.UnsafePointer:
			return true
		case reflect.Struct:
			for i := range t.NumField() {
				if hasPtr(t.Field(i).Type) {
					return true
				}
			}
		case reflect.Array:
			return hasPtr(t.Elem())
		}
		return false
	}
	for _, x := range []any{vrow{}, vissue{}} {
		if hasPtr(reflect.TypeOf(x)) {
			t.Errorf("%T holds a pointer", x)
		}
	}
}

// TestStreamVerdicts: streamed in chunks, the verdicts are what
// EncodeVerdicts writes, shared candidate lists included.
func TestStreamVerdicts(t *testing.T) {
	var many []Verdict
	for range 20 {
		many = append(many, verdicts...)
	}
	want := EncodeVerdicts(many)
	for _, chunk := range []int{1, 64, 1 << 20} {
		var got []byte
		StreamVerdicts(len(many), issuesOf(many), func(i int) Verdict { return many[i] }, chunk, func(b []byte) { got = append(got, b...) })
		if string(got) != want {
			t.Errorf("chunk %d: streamed %d bytes, want %d", chunk, len(got), len(want))
		}
	}
}

func issuesOf(vs []Verdict) int {
	n := 0
	for _, v := range vs {
		n += len(v.Issues)
	}
	return n
}
