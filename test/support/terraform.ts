import type { TfConfig } from '../../cli/deploy/terraform';

export { readTerraformJson, type TfBody, type TfConfig } from '../../cli/deploy/terraform';

/**
 * The same configuration with each provider resource replaced by Terraform's
 * built-in `terraform_data`, whose `input` holds the resource's arguments:
 * `terraform plan` then evaluates every expression, for_each, reference and
 * precondition without the provider, which cannot be installed here.
 * A reference `huaweicloud_x.y[k].attr` becomes the stub's `input.attr`, known
 * at plan time; `stubs` adds the computed attributes that others refer to (a
 * function's urn). Outputs are left out: they read provider attributes directly.
 */
export function withStubResources(
  cfg: TfConfig,
  stubs: Record<string, Record<string, string>> = {},
): Record<string, unknown> {
  const rename = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(
        /\b(huaweicloud_\w+)\.(\w+)(\[[^\]]+\])?\.(\w+)/g,
        (_m, type: string, name: string, index = '', attr: string) =>
          `terraform_data.${type}__${name}${index}.input.${attr}`,
      );
    }
    if (Array.isArray(v)) return v.map(rename);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rename(x)]));
    }
    return v;
  };
  const data: Record<string, unknown> = {};
  for (const [type, byName] of Object.entries(cfg.resource)) {
    for (const [name, body] of Object.entries(byName)) {
      const { '//': _comment, for_each, count, lifecycle, depends_on: _d, ...args } = body;
      data[`${type}__${name}`] = rename({
        ...(for_each === undefined ? {} : { for_each }),
        ...(count === undefined ? {} : { count }),
        ...(lifecycle === undefined ? {} : { lifecycle }),
        input: { ...withoutDynamic(args), ...stubs[type] },
      });
    }
  }
  return {
    terraform: { required_version: cfg.terraform[0]?.required_version },
    variable: cfg.variable,
    locals: rename(cfg.locals),
    resource: { terraform_data: data },
  };
}

/**
 * A resource's `dynamic` blocks as the list of blocks they make, for a stub's
 * input: `dynamic.NAME = {for_each, content}` becomes `NAME = [for ...]`, with
 * `NAME.value` bound to each element as Terraform binds it.
 */
function withoutDynamic(args: Record<string, unknown>): Record<string, unknown> {
  const { dynamic, ...rest }: Record<string, unknown> & { dynamic?: Record<string, unknown> } =
    args;
  if (!dynamic) return rest;
  const expr = (v: unknown) => {
    const text = String(v);
    const whole = /^\$\{(.*)\}$/s.exec(text);
    return whole ? whole[1] : JSON.stringify(text);
  };
  for (const [name, block] of Object.entries(dynamic)) {
    const { for_each, content } = block as { for_each: string; content: Record<string, unknown> };
    const fields = Object.entries(content).map(([k, v]) => `${k} = ${expr(v)}`);
    rest[name] =
      `\${[for ${name} in [for x in ${expr(for_each)} : { value = x }] : { ${fields.join(', ')} }]}`;
  }
  return rest;
}
