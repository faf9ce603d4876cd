// A form generated from a JSON Schema (see schema.ts for which part of it): each field says its
// problem under it, and nothing is submitted while any field is wrong.

import { useState } from 'preact/hooks';

import type { JsonSchema } from './api.js';
import { blankValue, childPath, kindOf, parseNumberInput, pruneEmpty, validate, type FieldError } from './schema.js';

interface FieldProps {
  readonly schema: JsonSchema;
  readonly value: unknown;
  readonly path: string;
  readonly label: string;
  readonly required: boolean;
  readonly errors: readonly FieldError[];
  readonly onChange: (value: unknown) => void;
}

/** What a text box or select shows for a value (a number the operator mistyped stays as typed). */
function shown(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function ErrorText({ errors, path }: { errors: readonly FieldError[]; path: string }) {
  const mine = errors.filter((e) => e.path === path);
  if (mine.length === 0) return null;
  return (
    <span class="field-error" data-path={path} role="alert">
      {mine.map((e) => e.message).join('; ')}
    </span>
  );
}

function Field(props: FieldProps) {
  const { schema, value, path, label, required, errors, onChange } = props;
  const kind = kindOf(schema);
  const id = `f-${path || 'root'}`;
  const title = (
    <label for={id} title={schema.description}>
      {schema.title ?? label}
      {required ? ' *' : ''}
    </label>
  );
  const bad = errors.some((e) => e.path === path);
  switch (kind) {
    case 'boolean':
      return (
        <div class="field" data-path={path}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => {
              onChange(e.currentTarget.checked);
            }}
          />
          {title}
          <ErrorText errors={errors} path={path} />
        </div>
      );
    case 'enum':
      return (
        <div class="field" data-path={path}>
          {title}
          <select
            id={id}
            aria-invalid={bad}
            value={shown(value)}
            onChange={(e) => {
              const text = e.currentTarget.value;
              onChange(text === '' ? undefined : (schema.enum ?? []).find((v) => String(v) === text));
            }}
          >
            {required ? null : <option value="">(none)</option>}
            {(schema.enum ?? []).map((v) => (
              <option value={String(v)}>{String(v)}</option>
            ))}
          </select>
          <ErrorText errors={errors} path={path} />
        </div>
      );
    case 'number':
    case 'integer':
      // A text box, not type=number: the browser would silently drop "12abc" instead of letting us say why.
      return (
        <div class="field" data-path={path}>
          {title}
          <input
            id={id}
            type="text"
            inputMode={kind === 'integer' ? 'numeric' : 'decimal'}
            aria-invalid={bad}
            value={shown(value)}
            onInput={(e) => {
              onChange(parseNumberInput(e.currentTarget.value));
            }}
          />
          <ErrorText errors={errors} path={path} />
        </div>
      );
    case 'string':
      return (
        <div class="field" data-path={path}>
          {title}
          <input
            id={id}
            type="text"
            aria-invalid={bad}
            value={typeof value === 'string' ? value : ''}
            onInput={(e) => {
              onChange(e.currentTarget.value);
            }}
          />
          <ErrorText errors={errors} path={path} />
        </div>
      );
    case 'array': {
      const items = Array.isArray(value) ? (value as unknown[]) : [];
      const itemSchema = schema.items ?? {};
      return (
        <fieldset class="field array" data-path={path}>
          <legend title={schema.description}>{schema.title ?? label}</legend>
          {items.map((item, i) => (
            <div class="array-item">
              <Field
                schema={itemSchema}
                value={item}
                path={childPath(path, i)}
                label={`#${i + 1}`}
                required={true}
                errors={errors}
                onChange={(v) => {
                  onChange(items.map((old, j) => (j === i ? v : old)));
                }}
              />
              <button
                type="button"
                class="remove"
                onClick={() => {
                  onChange(items.filter((_, j) => j !== i));
                }}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            class="add"
            onClick={() => {
              onChange([...items, blankValue(itemSchema)]);
            }}
          >
            Add
          </button>
          <ErrorText errors={errors} path={path} />
        </fieldset>
      );
    }
    case 'object': {
      const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
      const req = new Set(schema.required ?? []);
      return (
        <fieldset class="field object" data-path={path}>
          {path === '' ? null : <legend title={schema.description}>{schema.title ?? label}</legend>}
          {Object.entries(schema.properties ?? {}).map(([key, sub]) => (
            <Field
              schema={sub}
              value={record[key]}
              path={childPath(path, key)}
              label={key}
              required={req.has(key)}
              errors={errors}
              onChange={(v) => {
                onChange({ ...record, [key]: v });
              }}
            />
          ))}
          <ErrorText errors={errors} path={path} />
        </fieldset>
      );
    }
    default:
      return (
        <div class="field" data-path={path}>
          {title}
          <code>{JSON.stringify(value) ?? '(unset)'}</code>
          <span class="hint"> (not editable here: edit bot.config.ts)</span>
        </div>
      );
  }
}

export interface SchemaFormProps {
  readonly schema: JsonSchema;
  readonly value: unknown;
  readonly submitLabel?: string;
  /** Called with the checked value; a rejection's message is shown above the button. */
  readonly onSubmit: (value: unknown) => Promise<void>;
}

export function SchemaForm({ schema, value, submitLabel = 'Save', onSubmit }: SchemaFormProps) {
  const [draft, setDraft] = useState<unknown>(() => blankValue(schema, value));
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const [status, setStatus] = useState<string>('');
  return (
    <form
      class="schema-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const found = validate(schema, draft, '', true);
        setErrors(found);
        if (found.length > 0) {
          setStatus(`${found.length} field(s) to fix`);
          return;
        }
        setStatus('saving…');
        onSubmit(pruneEmpty(draft)).then(
          () => {
            setStatus('saved');
          },
          (err: unknown) => {
            setStatus(err instanceof Error ? err.message : String(err));
          },
        );
      }}
    >
      <Field
        schema={schema}
        value={draft}
        path=""
        label="options"
        required={true}
        errors={errors}
        onChange={(v) => {
          setDraft(v);
          // Once the operator has been told, the message follows the field as it is fixed.
          if (errors.length > 0) setErrors(validate(schema, v, '', true));
        }}
      />
      <div class="form-status" role="status">
        {status}
      </div>
      <button type="submit">{submitLabel}</button>
    </form>
  );
}
