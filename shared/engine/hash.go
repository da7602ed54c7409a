package engine

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"runtime"
	"sync"

	"casegate/shared/model"
)

// hasher writes a plan in one canonical byte form (every string length-
// prefixed, map keys sorted) into SHA-256. It is the plan's identity, so it
// covers everything a commit does; it replaced JSON, which took a quarter of
// a 100,000-row check.
type hasher struct {
	h   hash.Hash
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

func newHasher() *hasher {
	h := sha256.New()
	return &hasher{h: h, w: bufio.NewWriterSize(h, 64<<10)}
}

func (x *hasher) int(n int) {
	k := binary.PutVarint(x.tmp[:], int64(n))
	_, _ = x.w.Write(x.tmp[:k])
}

func (x *hasher) str(s string) {
	x.int(len(s))
	_, _ = x.w.WriteString(s)
}

func (x *hasher) bool(b bool) {
	if b {
		x.int(1)
	} else {
		x.int(0)
	}
}

// props writes a map without sorting it: each pair is folded with 64-bit
// FNV-1a and the pairs are combined by sum and xor, which do not depend on
// order. Sorting the keys of every row took a fifth of a 100,000-row check.
// The hash detects a page and a server that disagree; the server commits
// its own verdict either way, so a crafted collision gains nothing.
func (x *hasher) props(m map[string]string) {
	var sum, xor uint64
	for k, v := range m {
		h := pairHash(k, v)
		sum += h
		xor ^= h
	}
	x.pairs(len(m), sum, xor)
}

// propList writes Props as props writes the same map.
func (x *hasher) propList(p Props) {
	var sum, xor uint64
	for name, v := range p.All() {
		h := pairHash(name, v)
		sum += h
		xor ^= h
	}
	x.pairs(p.Len(), sum, xor)
}

func pairHash(k, v string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(k); i++ {
		h = (h ^ uint64(k[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211 // a separator no UTF-8 text holds
	for i := 0; i < len(v); i++ {
		h = (h ^ uint64(v[i])) * 1099511628211
	}
	return h
}

func (x *hasher) pairs(n int, sum, xor uint64) {
	x.int(n)
	binary.LittleEndian.PutUint64(x.tmp[:8], sum)
	_, _ = x.w.Write(x.tmp[:8])
	binary.LittleEndian.PutUint64(x.tmp[:8], xor)
	_, _ = x.w.Write(x.tmp[:8])
}

func (x *hasher) issue(is model.Issue) {
	x.str(string(is.Severity))
	x.str(string(is.Code))
	x.str(is.Column)
	x.str(is.Value)
	x.str(is.Message)
	x.str(is.Suggestion)
	x.int(len(is.Candidates))
	for _, c := range is.Candidates {
		x.str(c.CaseID)
		x.str(c.CaseType)
		x.str(c.ExternalID)
		x.str(c.Name)
		x.str(c.OwnerID)
		x.str(c.DateOpened)
		x.str(c.File)
		x.str(c.Sheet)
		x.int(c.Row)
		x.props(c.Properties)
		x.bool(c.New)
	}
}

func (x *hasher) ref(r *RowRef) {
	x.bool(r != nil)
	if r != nil {
		x.str(r.File)
		x.str(r.Sheet)
		x.int(r.Row)
	}
}

func (x *hasher) sum() string {
	_ = x.w.Flush()
	return hex.EncodeToString(x.h.Sum(nil))
}

// sealChunk is how many rows are hashed together: the plan's hash is the
// hash of its head and of each chunk's hash, so chunks are hashed on every
// core and the hash does not depend on how many there are.
const sealChunk = 8192

// Seal returns the plan's hash, computing it if the check left it out
// (Input.Unhashed).
func (p *Plan) Seal() string {
	if p.Hash == "" {
		p.seal()
	}
	return p.Hash
}

// seal computes the plan's hash.
func (p *Plan) seal() {
	x := newHasher()
	x.str("casegate plan v3")
	s := p.Summary
	for _, n := range []int{s.Rows, s.Create, s.Update, s.Unchanged, s.Skip, s.Error, s.Warning, s.NewParents} {
		x.int(n)
	}
	x.str(p.OnError)
	x.int(len(p.Notices))
	for _, n := range p.Notices {
		x.str(n.File)
		x.str(n.Sheet)
		x.issue(n.Issue)
	}
	x.int(len(p.Rows))
	chunks := make([][]byte, (len(p.Rows)+sealChunk-1)/sealChunk)
	next := make(chan int, len(chunks))
	for i := range chunks {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(chunks)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				y := newHasher()
				for j := i * sealChunk; j < min((i+1)*sealChunk, len(p.Rows)); j++ {
					y.row(&p.Rows[j])
				}
				_ = y.w.Flush()
				chunks[i] = y.h.Sum(nil)
			}
		}()
	}
	wg.Wait()
	for _, c := range chunks {
		_, _ = x.w.Write(c)
	}
	x.int(len(p.Order))
	for _, o := range p.Order {
		x.int(o)
	}
	p.Hash = x.sum()
}

func (x *hasher) row(r *RowResult) {
	x.str(r.File)
	x.str(r.Sheet)
	x.int(r.Row)
	x.str(string(r.Action))
	x.str(r.CaseID)
	x.str(r.CaseType)
	x.str(r.ExternalID)
	x.bool(r.Parent != nil)
	if par := r.Parent; par != nil {
		x.str(par.CaseID)
		x.str(par.CaseType)
		x.str(par.ExternalID)
		x.str(par.Name)
		x.str(par.Relationship)
		x.str(par.Identifier)
		x.str(par.Source)
		x.ref(par.Row)
		x.bool(par.Chosen)
	}
	x.int(len(r.Issues))
	for _, is := range r.Issues {
		x.issue(is)
	}
	x.bool(r.Change != nil)
	if c := r.Change; c != nil {
		x.bool(c.Name != nil)
		if c.Name != nil {
			x.str(*c.Name)
		}
		x.str(c.ExternalID)
		x.str(c.OwnerID)
		x.str(c.OwnerName)
		x.str(c.DateOpened)
		x.bool(c.Close)
		x.propList(c.Properties)
	}
}
