// Validating the JUnit reporter's XML against the vendored Jenkins JUnit schema
// (test/fixtures-schema/jenkins-junit-10.xsd) without a native validator. The schema is read,
// not restated: global and local element declarations, named complex and simple types,
// xs:sequence / xs:choice with minOccurs/maxOccurs (compiled to a regular expression over the
// child element names), mixed content, attributes (declared, required, pattern-restricted).
// Any XSD construct outside that subset throws, so a schema change cannot pass unchecked.
// When xmllint is installed the tests also ask it (test/report/junit-schema.test.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const JENKINS_JUNIT_XSD = fileURLToPath(new URL('../fixtures-schema/jenkins-junit-10.xsd', import.meta.url));

export interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (s: string): string => s.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-f]+|#\d+);/gi, (_m, e: string) =>
  e.startsWith('#x') || e.startsWith('#X') ? String.fromCodePoint(parseInt(e.slice(2), 16)) : e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : ENTITIES[e]!);

/** A small XML reader for well-formed documents (elements, attributes, text, comments, declarations). */
export function parseXml(text: string): XmlElement {
  const token = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  for (const m of text.matchAll(token)) {
    const top = stack.at(-1)!;
    if (m[1] !== undefined) { top.text += m[1]; continue; }
    if (m[6] !== undefined) { top.text += decode(m[6]); continue; }
    if (m[3] === undefined) continue; // declaration or comment
    if (m[2] === '/') {
      if (stack.pop()!.name !== m[3]) throw new Error(`</${m[3]}> closes the wrong element`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[4] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
    const element: XmlElement = { name: m[3], attrs, children: [], text: '' };
    top.children.push(element);
    if (m[5] !== '/') stack.push(element);
  }
  if (stack.length !== 1) throw new Error('unclosed elements');
  const roots = root.children;
  if (roots.length !== 1) throw new Error('exactly one root element expected');
  return roots[0]!;
}

interface AttributeDecl { required: boolean; pattern: RegExp | null }
interface ElementDecl { name: string; textOnly: boolean; type: ComplexType | null }
interface ComplexType { mixed: boolean; model: RegExp; attributes: Map<string, AttributeDecl>; locals: Map<string, ElementDecl> }

const local = (name: string): string => name.replace(/^xs:/, '');

export class XsdSchema {
  private readonly elements = new Map<string, ElementDecl>();
  private readonly complexTypes = new Map<string, XmlElement>();
  private readonly simpleTypes = new Map<string, RegExp>();
  private readonly compiled = new Map<XmlElement, ComplexType>();

  constructor(xsdText: string) {
    const schema = parseXml(xsdText);
    if (local(schema.name) !== 'schema') throw new Error('not an XML Schema');
    for (const child of schema.children) {
      const kind = local(child.name);
      if (kind === 'simpleType') this.simpleTypes.set(child.attrs.name!, this.simpleType(child));
      else if (kind === 'complexType') this.complexTypes.set(child.attrs.name!, child);
    }
    for (const child of schema.children) if (local(child.name) === 'element') this.elements.set(child.attrs.name!, this.element(child));
  }

  private simpleType(node: XmlElement): RegExp {
    const restriction = node.children.find((c) => local(c.name) === 'restriction');
    if (!restriction || restriction.attrs.base !== 'xs:string') throw new Error(`unsupported simpleType ${node.attrs.name}`);
    const patterns = restriction.children.filter((c) => local(c.name) === 'pattern');
    if (patterns.length !== restriction.children.length) throw new Error(`unsupported facet in simpleType ${node.attrs.name}`);
    // XSD patterns match the whole value
    return new RegExp(`^(?:${patterns.map((p) => p.attrs.value).join('|')})$`, 'u');
  }

  private attributeType(type: string | undefined): RegExp | null {
    if (type === undefined || type === 'xs:string') return null;
    const pattern = this.simpleTypes.get(type);
    if (!pattern) throw new Error(`unsupported attribute type ${type}`);
    return pattern;
  }

  private element(node: XmlElement): ElementDecl {
    const name = node.attrs.name!;
    const type = node.attrs.type;
    const inline = node.children.find((c) => local(c.name) === 'complexType');
    if (inline) return { name, textOnly: false, type: this.complexType(inline) };
    if (type === 'xs:string' || (type !== undefined && this.simpleTypes.has(type))) return { name, textOnly: true, type: null };
    if (type !== undefined && this.complexTypes.has(type)) return { name, textOnly: false, type: this.complexType(this.complexTypes.get(type)!) };
    throw new Error(`unsupported declaration of element ${name}`);
  }

  private complexType(node: XmlElement): ComplexType {
    const cached = this.compiled.get(node);
    if (cached) return cached;
    const attributes = new Map<string, AttributeDecl>();
    const locals = new Map<string, ElementDecl>();
    let model = '';
    for (const child of node.children) {
      const kind = local(child.name);
      if (kind === 'attribute') attributes.set(child.attrs.name!, { required: child.attrs.use === 'required', pattern: this.attributeType(child.attrs.type) });
      else if (kind === 'sequence' || kind === 'choice') model = this.particle(child, locals);
      else throw new Error(`unsupported complexType content ${kind}`);
    }
    const type = { mixed: node.attrs.mixed === 'true', model: new RegExp(`^${model}$`), attributes, locals };
    this.compiled.set(node, type);
    return type;
  }

  private particle(node: XmlElement, locals: Map<string, ElementDecl>): string {
    const kind = local(node.name);
    let body: string;
    if (kind === 'element') {
      const name = node.attrs.ref ?? node.attrs.name!;
      if (!node.attrs.ref) locals.set(name, this.element(node));
      body = `(?:${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')},)`;
    } else if (kind === 'sequence') {
      body = `(?:${node.children.map((c) => this.particle(c, locals)).join('')})`;
    } else if (kind === 'choice') {
      body = `(?:${node.children.map((c) => this.particle(c, locals)).join('|')})`;
    } else {
      throw new Error(`unsupported particle ${kind}`);
    }
    const min = node.attrs.minOccurs ?? '1';
    const max = node.attrs.maxOccurs ?? '1';
    if (max === 'unbounded') return `${body}{${min},}`;
    return min === '1' && max === '1' ? body : `${body}{${min},${max}}`;
  }

  /** Every problem with the document, as "path: problem" lines (empty when it is valid). */
  validate(root: XmlElement): string[] {
    const decl = this.elements.get(root.name);
    if (!decl) return [`${root.name}: not a root element this schema declares`];
    const problems: string[] = [];
    this.check(root, decl, root.name, problems);
    return problems;
  }

  private check(node: XmlElement, decl: ElementDecl, path: string, problems: string[]): void {
    if (decl.textOnly) {
      if (node.children.length > 0) problems.push(`${path}: holds elements, but it is text only`);
      for (const name of Object.keys(node.attrs)) problems.push(`${path}: attribute ${name} is not allowed`);
      return;
    }
    const type = decl.type!;
    for (const [name, value] of Object.entries(node.attrs)) {
      const attribute = type.attributes.get(name);
      if (!attribute) problems.push(`${path}: attribute ${name} is not allowed`);
      else if (attribute.pattern && !attribute.pattern.test(value)) problems.push(`${path}: attribute ${name}="${value}" does not match its type`);
    }
    for (const [name, attribute] of type.attributes) if (attribute.required && !(name in node.attrs)) problems.push(`${path}: required attribute ${name} is missing`);
    if (!type.mixed && node.text.trim() !== '') problems.push(`${path}: text is not allowed here`);
    const sequence = node.children.map((c) => `${c.name},`).join('');
    if (!type.model.test(sequence)) problems.push(`${path}: children ${node.children.map((c) => c.name).join(', ') || '(none)'} do not fit the content model`);
    node.children.forEach((child, i) => {
      const childDecl = type.locals.get(child.name) ?? this.elements.get(child.name);
      if (!childDecl) problems.push(`${path}/${child.name}: element not declared`);
      else this.check(child, childDecl, `${path}/${child.name}[${i}]`, problems);
    });
  }
}

let jenkins: XsdSchema | null = null;

/** Problems of a JUnit document against Jenkins' junit-10.xsd (empty: valid). */
export function jenkinsJunitProblems(xmlText: string): string[] {
  jenkins ??= new XsdSchema(readFileSync(JENKINS_JUNIT_XSD, 'utf8'));
  return jenkins.validate(parseXml(xmlText));
}
