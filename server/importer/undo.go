package importer

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"sort"

	"casegate/server/store"
	"casegate/shared/api"
	"casegate/shared/model"
)

// undoPlan is what undoing an import would do, decided from the change log
// and the cases as they are now.
type undoPlan struct {
	remove    []string     // cases the import created, untouched since
	restore   []model.Case // cases the import updated, back to how they were
	conflicts []api.Conflict
}

func (im *Importer) planUndo(ctx context.Context, q store.Querier, domain, importID string) (*undoPlan, error) {
	changes, err := im.Store.FindChanges(ctx, q, domain, importID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.CaseID
	}
	now, err := im.Store.FindCasesByID(ctx, q, domain, ids)
	if err != nil {
		return nil, err
	}
	children, err := im.Store.FindChildIDs(ctx, q, domain, ids)
	if err != nil {
		return nil, err
	}
	created := map[string]bool{}
	for _, c := range changes {
		if c.Op == "create" {
			created[c.CaseID] = true
		}
	}
	u := &undoPlan{}
	for _, c := range changes {
		cur, ok := now[c.CaseID]
		switch {
		case !ok:
			if c.Op == "update" {
				u.conflicts = append(u.conflicts, api.Conflict{CaseID: c.CaseID, Reason: "The case was deleted since this import."})
			}
		case cur.ModifiedOn != c.AfterModifiedOn:
			u.conflicts = append(u.conflicts, api.Conflict{CaseID: c.CaseID, Name: cur.Name, ModifiedOn: cur.ModifiedOn,
				Reason: "The case was changed after this import, so it is left as it is."})
		case c.Op == "create":
			var foreign []string
			for _, ch := range children[c.CaseID] {
				if !created[ch] {
					foreign = append(foreign, ch)
				}
			}
			if len(foreign) > 0 {
				u.conflicts = append(u.conflicts, api.Conflict{CaseID: c.CaseID, Name: cur.Name, ModifiedOn: cur.ModifiedOn,
					Reason: "Other cases were linked to this case after the import, so it is kept."})
				continue
			}
			u.remove = append(u.remove, c.CaseID)
		case c.Before != nil:
			u.restore = append(u.restore, *c.Before)
		}
	}
	sort.Strings(u.remove)
	return u, nil
}

// UndoPreview says what undoing would change, without changing anything.
func (im *Importer) UndoPreview(ctx context.Context, domain, importID string) (api.UndoPreview, error) {
	rec, err := im.Store.FindImport(ctx, domain, importID)
	if err != nil {
		return api.UndoPreview{}, err
	}
	if rec.Kind == "undo" {
		return api.UndoPreview{}, model.Errorf(model.EInvalid, "An undo cannot itself be undone; import the file again instead.")
	}
	u, err := im.planUndo(ctx, im.Store.DB(), domain, importID)
	if err != nil {
		return api.UndoPreview{}, err
	}
	c := u.conflicts
	if c == nil {
		c = []api.Conflict{}
	}
	return api.UndoPreview{ImportID: importID, Remove: len(u.remove), Restore: len(u.restore), Conflicts: c}, nil
}

// Undo reverses an import in one transaction: cases it created are deleted,
// cases it changed get their earlier values back, and cases changed by
// someone since are left alone and listed as conflicts. The undo is an import
// record of its own; undoing twice returns the first undo.
func (im *Importer) Undo(ctx context.Context, user store.User, importID, key string) (store.Import, error) {
	domain := user.Domain
	rec, err := im.Store.FindImport(ctx, domain, importID)
	if err != nil {
		return store.Import{}, err
	}
	if rec.Kind == "undo" {
		return store.Import{}, model.Errorf(model.EInvalid, "An undo cannot itself be undone; import the file again instead.")
	}
	if rec.State != "done" {
		return store.Import{}, model.Errorf(model.EConflict, "Import %s is %s; only a finished import can be undone.", importID, rec.State)
	}
	if rec.UndoneBy != "" {
		return im.Store.FindImport(ctx, domain, rec.UndoneBy)
	}
	start := im.now()
	undo := store.Import{ID: NewID(), Domain: domain, UserID: user.ID, UserEmail: user.Email, Kind: "undo",
		FileName: rec.FileName, CaseType: rec.CaseType, State: "running", UndoOf: importID, CreatedAt: start}
	if err := im.Store.CreateImport(ctx, undo); err != nil {
		return store.Import{}, err
	}
	err = im.Store.Tx(ctx, func(tx *sql.Tx) error {
		again, err := im.Store.FindImportTx(ctx, tx, domain, importID)
		if err != nil {
			return err
		}
		if again.UndoneBy != "" {
			return errAlreadyUndone{again.UndoneBy}
		}
		u, err := im.planUndo(ctx, tx, domain, importID)
		if err != nil {
			return err
		}
		now := im.now().Format("2006-01-02T15:04:05.000000000Z07:00")
		var changes []store.Change
		cur, err := im.Store.FindCasesByID(ctx, tx, domain, caseIDs(u.restore))
		if err != nil {
			return err
		}
		// A restored case gets back exactly what it was, its modified_on
		// stamp included, so undoing the import before it still works.
		for i := range u.restore {
			b := cur[u.restore[i].CaseID]
			changes = append(changes, store.Change{CaseID: u.restore[i].CaseID, Op: "update", Before: &b, AfterModifiedOn: u.restore[i].ModifiedOn})
		}
		_ = now
		if err := im.Store.UpdateCases(ctx, tx, domain, u.restore); err != nil {
			return err
		}
		if err := im.Store.DeleteCases(ctx, tx, domain, u.remove); err != nil {
			return err
		}
		if err := im.Store.InsertChanges(ctx, tx, domain, undo.ID, changes); err != nil {
			return err
		}
		if err := im.Store.MarkUndone(ctx, tx, domain, importID, undo.ID); err != nil {
			return err
		}
		conf := u.conflicts
		if conf == nil {
			conf = []api.Conflict{}
		}
		cnt, _ := json.Marshal(map[string]int{"removed": len(u.remove), "restored": len(u.restore), "conflicts": len(u.conflicts)})
		res, _ := json.Marshal(conf)
		if err := im.Store.FinishImport(ctx, tx, domain, undo.ID, store.ImportFinish{State: "done", Counts: cnt, Results: res,
			FinishedAt: im.now(), DurationMS: im.now().Sub(start).Milliseconds()}); err != nil {
			return err
		}
		if key != "" {
			body, _ := json.Marshal(map[string]string{"import_id": undo.ID})
			if err := im.Store.FinishIdempotent(ctx, tx, domain, key, http.StatusOK, body); err != nil {
				return err
			}
		}
		return nil
	})
	if e, ok := err.(errAlreadyUndone); ok {
		_ = im.Store.FinishImport(context.WithoutCancel(ctx), im.Store.DB(), domain, undo.ID, store.ImportFinish{State: "failed",
			Error: "Already undone by " + e.id, FinishedAt: im.now()})
		return im.Store.FindImport(ctx, domain, e.id)
	}
	if err != nil {
		_ = im.Store.FinishImport(context.WithoutCancel(ctx), im.Store.DB(), domain, undo.ID, store.ImportFinish{State: "failed",
			Error: model.MessageOf(err), FinishedAt: im.now()})
		return store.Import{}, err
	}
	return im.Store.FindImport(ctx, domain, undo.ID)
}

type errAlreadyUndone struct{ id string }

func (e errAlreadyUndone) Error() string { return "already undone by " + e.id }

func caseIDs(cs []model.Case) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.CaseID
	}
	return out
}
