package tablewire

// Edit is one cell the person changed on the page, sent to the worker,
// which keeps the tables and applies it (a few bytes, not the rows again).
type Edit struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
	Row   int    `json:"row"`
	Col   int    `json:"col"`
	Value string `json:"value"`
}

// Summary counts a plan's rows by action (engine.Summary; here so the page
// reads it without the engine).
type Summary struct {
	Rows      int `json:"rows"`
	Create    int `json:"create"`
	Update    int `json:"update"`
	Unchanged int `json:"unchanged"`
	Skip      int `json:"skip"`
	Error     int `json:"error"`
	Warning   int `json:"warning"` // rows with at least one warning
	// NewParents counts the parent cases the commit creates for rows whose
	// parent was chosen to be new (each key once).
	NewParents int `json:"new_parents,omitempty"`
}

// RowRef names a row of an import: its file, sheet and spreadsheet row
// number (engine.RowRef).
type RowRef struct {
	File  string `json:"file"`
	Sheet string `json:"sheet"`
	Row   int    `json:"row"`
}

// Choice is a person's pick for an ambiguous or missing parent: for one row
// (Row set), or for every row whose parent key is Key of type ParentType
// (engine.Choice; here so the page, which makes them, and the engine, which
// honours them, cannot disagree).
type Choice struct {
	Row        *RowRef `json:"row,omitempty"`
	ParentType string  `json:"parent_type,omitempty"`
	Key        string  `json:"key,omitempty"`
	CaseID     string  `json:"case_id,omitempty"`    // the chosen existing case
	ParentRow  *RowRef `json:"parent_row,omitempty"` // or the chosen import row
	New        bool    `json:"new,omitempty"`        // or a new parent case, created by the commit
}
