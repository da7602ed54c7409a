package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"

	kflate "github.com/klauspost/compress/flate"

	"casegate/shared/model"
)

// zipBook is an opened xlsx: its parts, read within the limits.
type zipBook struct {
	name     string
	lim      Limits
	files    map[string]*zip.File // by lower-case name without a leading /
	inflated int64
	size     int64 // of the zip file
	sheets   []sheetRef
	date1904 bool
}

type sheetRef struct {
	name   string
	hidden bool
	part   string
}

func openZip(name string, r io.ReaderAt, size int64, lim Limits) (*zipBook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file (the zip archive is damaged: %v). Save it again as .xlsx or .csv.", name, err)
	}
	// klauspost's inflate: a 100k-row sheet (~100 MB of XML) inflates in
	// 0.39 s in wasm against compress/flate's 0.51 s (the same bytes; the
	// caps below count them as before).
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return kflate.NewReader(r) })
	if len(zr.File) > lim.MaxEntries {
		return nil, model.Errorf(model.ETooLarge, "%s holds %d parts; the limit is %d.", name, len(zr.File), lim.MaxEntries)
	}
	z := &zipBook{name: name, lim: lim, files: map[string]*zip.File{}, size: size}
	for _, f := range zr.File {
		k := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := z.files[k]; dup {
			return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: the part %s appears twice.", name, f.Name)
		}
		z.files[k] = f
	}
	if err := z.readWorkbook(); err != nil {
		return nil, err
	}
	return z, nil
}

// read inflates one part, counting bytes as they come (zip headers can lie
// about sizes) against the per-part and total caps and the ratio cap.
func (z *zipBook) read(part string) ([]byte, error) {
	f := z.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: part %s cannot be opened (%v).", z.name, part, err)
	}
	defer rc.Close()
	limit := min(z.lim.MaxEntryUnzipped, z.lim.MaxUnzipped-z.inflated)
	hint := int64(f.UncompressedSize64)
	if hint > limit || hint < 0 {
		hint = 0
	}
	buf := bytes.NewBuffer(make([]byte, 0, hint+512))
	n, err := io.Copy(buf, io.LimitReader(rc, limit+1))
	z.inflated += n
	if n > limit {
		return nil, model.Errorf(model.ETooLarge, "%s: part %s inflates to more than %s; the limit is %s (this looks like a zip bomb or a workbook far larger than an import allows).",
			z.name, part, size(limit), size(limit))
	}
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: part %s is damaged (%v).", z.name, part, err)
	}
	if comp := min(int64(f.CompressedSize64), z.size); n > 1<<20 && comp > 0 && n/comp > int64(z.lim.MaxRatio) {
		return nil, model.Errorf(model.ETooLarge, "%s: part %s inflates %d times its compressed size; the limit is %d (a zip bomb).", z.name, part, n/comp, z.lim.MaxRatio)
	}
	return buf.Bytes(), nil
}

// open streams one part, with the same caps as read, counted as the bytes
// come; the worksheet is scanned from it without being held whole (a
// 100,000-row sheet inflates to ~100 MB).
func (z *zipBook) open(part string) (*partReader, error) {
	f := z.files[strings.ToLower(strings.TrimPrefix(part, "/"))]
	if f == nil {
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: part %s cannot be opened (%v).", z.name, part, err)
	}
	size := int64(f.UncompressedSize64) // a gauge for progress only
	if f.UncompressedSize64 >= 1<<40 {
		size = 0
	}
	comp := min(int64(f.CompressedSize64), z.size) // a header cannot claim more than the file holds
	return &partReader{z: z, part: part, rc: rc, comp: comp, limit: min(z.lim.MaxEntryUnzipped, z.lim.MaxUnzipped-z.inflated),
		size: size}, nil
}

// partReader counts a part's inflated bytes against the caps.
type partReader struct {
	z          *zipBook
	part       string
	rc         io.ReadCloser
	n, limit   int64
	comp, size int64
}

func (r *partReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	r.n += int64(n)
	r.z.inflated += int64(n)
	if r.n > r.limit {
		return n, model.Errorf(model.ETooLarge, "%s: part %s inflates to more than %s; the limit is %s (this looks like a zip bomb or a workbook far larger than an import allows).",
			r.z.name, r.part, size(r.limit), size(r.limit))
	}
	if r.n > 1<<20 && r.comp > 0 && r.n/r.comp > int64(r.z.lim.MaxRatio) {
		return n, model.Errorf(model.ETooLarge, "%s: part %s inflates %d times its compressed size; the limit is %d (a zip bomb).", r.z.name, r.part, r.n/r.comp, r.z.lim.MaxRatio)
	}
	if err != nil && err != io.EOF {
		return n, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: part %s is damaged (%v).", r.z.name, r.part, err)
	}
	return n, err
}

func (r *partReader) Close() error { return r.rc.Close() }

type relsXML struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type workbookXML struct {
	Pr struct {
		Date1904 string `xml:"date1904,attr"`
	} `xml:"workbookPr"`
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

func (z *zipBook) xml(part string, v any) (bool, error) {
	b, err := z.read(part)
	if err != nil || b == nil {
		return false, err
	}
	if err := unmarshal(b, v); err != nil {
		return true, model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: %s cannot be read (%v).", z.name, part, err)
	}
	return true, nil
}

// unmarshal refuses DOCTYPEs (entity tricks) before encoding/xml sees them.
func unmarshal(b []byte, v any) error {
	if bytes.Contains(b, []byte("<!DOCTYPE")) || bytes.Contains(b, []byte("<!ENTITY")) {
		return errDoctype
	}
	return xml.Unmarshal(b, v)
}

var errDoctype = &xmlError{"a DOCTYPE or entity declaration, which spreadsheets never need"}

type xmlError struct{ msg string }

func (e *xmlError) Error() string { return e.msg }

// resolve turns a relationship target into a part name.
func resolve(base, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Clean(path.Join(path.Dir(base), target))
}

func (z *zipBook) readWorkbook() error {
	wbPart := "xl/workbook.xml"
	var root relsXML
	if ok, err := z.xml("_rels/.rels", &root); err != nil {
		return err
	} else if ok {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPart = resolve("", r.Target)
			}
		}
	}
	var wb workbookXML
	ok, err := z.xml(wbPart, &wb)
	if err != nil {
		return err
	}
	if !ok {
		return model.Errorf(model.EInvalid, "%s is not a valid .xlsx file: it has no workbook part. Save it again as .xlsx or .csv.", z.name)
	}
	z.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	var rels relsXML
	relPart := path.Join(path.Dir(wbPart), "_rels", path.Base(wbPart)+".rels")
	if _, err := z.xml(relPart, &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = resolve(wbPart, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			targets["\x00sst"] = resolve(wbPart, r.Target)
		}
		if strings.HasSuffix(r.Type, "/styles") {
			targets["\x00styles"] = resolve(wbPart, r.Target)
		}
	}
	for i, s := range wb.Sheets {
		part, ok := targets[s.RID]
		if !ok {
			part = "xl/worksheets/sheet" + itoa(i+1) + ".xml"
		}
		z.sheets = append(z.sheets, sheetRef{name: s.Name, hidden: s.State == "hidden" || s.State == "veryHidden", part: part})
	}
	if len(z.sheets) == 0 {
		return model.Errorf(model.EInvalid, "%s has no sheets.", z.name)
	}
	z.files["\x00sst"] = z.files[strings.ToLower(orDefault(targets["\x00sst"], "xl/sharedStrings.xml"))]
	z.files["\x00styles"] = z.files[strings.ToLower(orDefault(targets["\x00styles"], "xl/styles.xml"))]
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

func (z *zipBook) sheetInfos() []SheetInfo {
	out := make([]SheetInfo, len(z.sheets))
	for i, s := range z.sheets {
		out[i] = SheetInfo{Name: s.name, Hidden: s.hidden}
	}
	return out
}
