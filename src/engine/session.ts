/**
 * Session: the transaction state of one Database — autocommit or an explicit BEGIN, the SQL
 * savepoint stack, and the write transaction's private copy of the schema.
 *
 *   IDLE ──BEGIN──▶ EXPLICIT ──COMMIT/ROLLBACK──▶ IDLE
 *   IDLE ──write statement──▶ (autocommit: beginWrite … commit | rollback) ──▶ IDLE
 *   EXPLICIT ──statement fails──▶ EXPLICIT (statement savepoint rolled back, schema reloaded)
 *
 * Invariants:
 *  1. The committed Schema object is never mutated structurally: a write transaction works on
 *     a clone, published only after the pager commit succeeded, and only when the transaction
 *     changed the structure (DDL or a table/index root page). Otherwise the committed object
 *     stays (cached plans stay valid) and only its advisory hints — row counts and next rowids
 *     — are copied back from the clone. Plans and iterators holding the committed schema
 *     therefore stay consistent with their snapshot.
 *  2. Every write statement runs inside a pager savepoint; on failure the savepoint is rolled
 *     back and, when the statement had changed the structure (Schema.structure), the
 *     transaction's schema is reloaded from its own catalog tree; otherwise only its row-count
 *     and next-rowid hints are reset. So a failed statement changes nothing (statement-level
 *     atomicity), and failing row statements (insert-or-skip loops) stay cheap.
 *  3. Root-page and catalog changes are written to the catalog tree during the statement that
 *     caused them (CatalogWriter), never deferred to commit.
 */
import { DecentDBError } from '../util/index.js';
import type { Durability, Pager, WriteTransaction } from '../pager/index.js';
import { CatalogWriter, Schema, type TableInfo } from './schema.js';
import { TableWriter, type TableChangeListener } from './table-writer.js';
import { TrigramState } from './trigram-sync.js';

export interface WriteScope {
  readonly txn: WriteTransaction;
  readonly schema: Schema;
  readonly catalog: CatalogWriter;
  readonly rows: TableWriter;
  /** Marks the schema changed (DDL): the cookie is bumped once at commit. */
  schemaChanged(): void;
}

interface SqlSavepoint {
  readonly name: string;
  readonly id: number;
  readonly hints: RowCountHints;
  /** Schema.structure when the savepoint was set. */
  readonly structure: object;
}

/**
 * Row counts of the transaction's tables at a savepoint, restored when it is rolled back to.
 * Parallel arrays (no per-statement Map): statement savepoints refill one instance.
 */
class RowCountHints {
  private readonly names: string[] = [];
  private readonly counts: (number | undefined)[] = [];
  private size = 0;

  /** Captures the row counts of `schema`'s tables (replacing any earlier capture). */
  capture(schema: Schema): this {
    this.size = 0;
    // forEach with a function made once: a for-of over the Map allocated per statement.
    schema.tables.forEach(this.add);
    return this;
  }

  private readonly add = (t: TableInfo, name: string): void => {
    this.names[this.size] = name;
    this.counts[this.size] = t.rowCount;
    this.size++;
  };

  /** Calls `f` for each captured table name and its row count. */
  forEach(f: (count: number | undefined, name: string) => void): void {
    for (let i = 0; i < this.size; i++) f(this.counts[i], this.names[i]!);
  }
}

export class Session {
  private txn: WriteTransaction | null = null;
  private txSchema: Schema | null = null;
  private scope: WriteScope | null = null;
  private changedSchema = false;
  /** A table or index root page moved (or DDL ran): the clone must be published (invariant 1). */
  private changedStructure = false;
  private explicitTxn = false;
  private durability: Durability | undefined;
  private readonly savepoints: SqlSavepoint[] = [];
  /** The statement savepoint's hints, reused while statements do not nest (`writeDepth`). */
  private readonly statementHints = new RowCountHints();
  private writeDepth = 0;
  /** Trigram tails (cleared on every rollback and DDL) and postings cache (ADR-0007). */
  readonly trigram = new TrigramState();

  constructor(
    private readonly pager: Pager,
    private committed: Schema,
    private readonly onPublish: (schema: Schema) => void,
    /** Called after every successful commit with the transaction's durability override. */
    private readonly onCommit: (durability: Durability | undefined) => void = () => undefined,
  ) {}

  get inTransaction(): boolean {
    return this.explicitTxn;
  }

  /** The schema statements of this session see: the transaction's copy or the committed one. */
  get schema(): Schema {
    return this.txSchema ?? this.committed;
  }

  get committedSchema(): Schema {
    return this.committed;
  }

  /** The open write transaction, if any (reads inside an explicit transaction go through it). */
  get writeTransaction(): WriteTransaction | null {
    return this.txn;
  }

  begin(durability?: Durability): void {
    if (this.explicitTxn) throw new DecentDBError('ERR_TRANSACTION', 'there is already a transaction in progress');
    this.open(durability);
    this.explicitTxn = true;
  }

  commit(): void {
    if (!this.explicitTxn) throw new DecentDBError('ERR_TRANSACTION', 'there is no transaction in progress');
    this.explicitTxn = false;
    this.savepoints.length = 0;
    this.finish();
  }

  rollback(): void {
    if (!this.explicitTxn) throw new DecentDBError('ERR_TRANSACTION', 'there is no transaction in progress');
    this.explicitTxn = false;
    this.savepoints.length = 0;
    this.abandon();
  }

  savepoint(name: string): void {
    if (!this.explicitTxn) {
      // Postgres requires a transaction block; SQLite starts one. We follow SQLite: convenient
      // for `db.transaction()` nesting and harmless.
      this.begin();
    }
    const txn = this.txn!;
    this.savepoints.push({ name: name.toLowerCase(), id: txn.savepoint(), hints: new RowCountHints().capture(this.txSchema!), structure: this.txSchema!.structure });
  }

  release(name: string): void {
    const i = this.findSavepoint(name);
    const sp = this.savepoints[i]!;
    this.txn!.release(sp.id);
    this.savepoints.length = i;
  }

  rollbackTo(name: string): void {
    const i = this.findSavepoint(name);
    const sp = this.savepoints[i]!;
    this.txn!.rollbackTo(sp.id);
    this.trigram.clearTails();
    // The savepoint stays, as in Postgres: it can be rolled back to again.
    this.savepoints.length = i + 1;
    this.restoreSchema(sp.hints, sp.structure);
    this.savepoints[i] = { name: sp.name, id: this.txn!.savepoint(), hints: sp.hints, structure: this.txSchema!.structure };
  }

  /**
   * Runs one write statement atomically: in autocommit its own transaction, inside BEGIN a
   * savepoint of the open one.
   */
  write<T>(fn: (scope: WriteScope) => T, durability?: Durability): T {
    if (this.explicitTxn) {
      const txn = this.txn!;
      const sp = txn.savepoint();
      const hints = (this.writeDepth === 0 ? this.statementHints : new RowCountHints()).capture(this.txSchema!);
      const structure = this.txSchema!.structure;
      this.writeDepth++;
      try {
        const result = fn(this.scope!);
        txn.release(sp);
        txn.spillSafePoint();
        return result;
      } catch (e) {
        this.trigram.clearTails();
        if (txn.isActive) {
          txn.rollbackTo(sp);
          txn.release(sp);
          this.restoreSchema(hints, structure);
        }
        throw e;
      } finally {
        this.writeDepth--;
      }
    }
    this.open(durability);
    try {
      const result = fn(this.scope!);
      this.finish();
      return result;
    } catch (e) {
      this.abandon();
      throw e;
    }
  }

  private open(durability?: Durability): void {
    this.durability = durability;
    const txn = this.pager.beginWrite(durability === undefined ? undefined : { durability });
    this.txn = txn;
    this.changedSchema = false;
    this.changedStructure = false;
    this.txSchema = this.committed.clone();
    this.scope = this.makeScope(txn, this.txSchema);
  }

  private makeScope(txn: WriteTransaction, schema: Schema): WriteScope {
    const catalog = new CatalogWriter(txn, schema.catalogRoot);
    if (schema.catalogRoot === 0) {
      schema.catalogRoot = catalog.root;
      txn.setRootCatalog(catalog.root);
    }
    const listener: TableChangeListener = {
      rootChanged: (kind, name) => {
        if (kind === 'table') {
          const t = schema.requireTable(name);
          catalog.put({ kind: 'table', table: t.def });
        } else {
          const ix = schema.indexes.get(name.toLowerCase());
          if (ix !== undefined) catalog.put({ kind: 'index', index: ix.def });
        }
        this.changedStructure = true;
        schema.structure = {};
        this.noteCatalogRoot(txn, schema, catalog);
      },
    };
    const session = this;
    return {
      txn,
      schema,
      catalog,
      rows: new TableWriter(txn, schema, listener, this.trigram),
      schemaChanged() {
        session.changedSchema = true;
        session.trigram.clearTails();
        session.changedStructure = true;
        schema.structure = {};
        session.noteCatalogRoot(txn, schema, catalog);
      },
    };
  }

  private noteCatalogRoot(txn: WriteTransaction, schema: Schema, catalog: CatalogWriter): void {
    if (catalog.root !== schema.catalogRoot) {
      schema.catalogRoot = catalog.root;
      txn.setRootCatalog(catalog.root);
    }
  }

  private finish(): void {
    const txn = this.txn!;
    const schema = this.txSchema!;
    try {
      this.noteCatalogRoot(txn, schema, this.scope!.catalog);
      if (this.changedSchema) schema.cookie = txn.bumpSchemaCookie();
      txn.commit();
    } catch (e) {
      this.clear();
      this.trigram.clearTails();
      if (txn.isActive) txn.rollback();
      throw e;
    }
    const structural = this.changedStructure || schema.catalogRoot !== this.committed.catalogRoot;
    this.clear();
    this.onCommit(this.durability);
    if (!structural) {
      this.committed.adoptHints(schema);
      return;
    }
    this.committed = schema;
    this.onPublish(schema);
  }

  private abandon(): void {
    const txn = this.txn;
    this.trigram.clearTails();
    this.clear();
    if (txn !== null && txn.isActive) txn.rollback();
  }

  private clear(): void {
    this.txn = null;
    this.txSchema = null;
    this.scope = null;
    this.changedSchema = false;
    this.changedStructure = false;
  }

  /**
   * Invariant 2: after a partial rollback to a point where the structure token was `structure`,
   * the schema copy is rebuilt from the catalog tree if the structure changed since, else kept;
   * either way row counts return to `hints` and next rowids are recomputed from the trees.
   */
  private restoreSchema(hints: RowCountHints, structure: object): void {
    const schema = this.txSchema!;
    if (schema.structure !== structure) {
      this.reloadSchema(hints);
      return;
    }
    hints.forEach((count, k) => {
      const t = schema.tables.get(k);
      if (t !== undefined) t.rowCount = count;
    });
    for (const t of schema.tables.values()) t.nextRowId = undefined;
  }

  /** Rebuilds the transaction's schema copy from its catalog tree (a new object: always published). */
  private reloadSchema(hints: RowCountHints): void {
    const txn = this.txn!;
    const schema = Schema.load(txn, txn.rootCatalog, txn.schemaCookie);
    hints.forEach((count, k) => {
      const t = schema.tables.get(k);
      if (t !== undefined) t.rowCount = count;
    });
    this.txSchema = schema;
    this.changedStructure = true;
    this.scope = this.makeScope(txn, schema);
  }

  private findSavepoint(name: string): number {
    const lower = name.toLowerCase();
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (this.savepoints[i]!.name === lower) return i;
    throw new DecentDBError('ERR_TRANSACTION', `savepoint "${name}" does not exist`, { savepoint: name });
  }
}
