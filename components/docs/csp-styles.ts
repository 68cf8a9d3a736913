// The API reference (Scalar, a Vue app) adds <style> elements and sets `style` attributes from
// its scripts (appendChild, insertBefore, setAttribute; the other ways to insert are covered too). The page's CSP allows inline styles by nonce only, so the browser would refuse
// both, and the reference would lose its theme. Imported before Scalar (so before its module
// adds its first stylesheet), this gives a <style> element the page's nonce as a script inserts
// it, and turns a script's `setAttribute('style', …)` into the same declarations set through
// `element.style`, which the CSP does not govern. Nothing is widened: a script the CSP let run
// could always style the page through `element.style`; markup injected into the page is parsed
// in place without these calls, so its <style> elements and style attributes stay refused. Loaded by the
// /docs page only, and that page's links leave with a full page load.

if (typeof window !== 'undefined') {
  // Next.js stamps the nonce on its scripts; the property keeps it when the attribute is hidden.
  const nonce = document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
  const stamp = (node: Node) => {
    if (node instanceof HTMLStyleElement && !node.nonce) node.nonce = nonce;
  };
  const { appendChild, insertBefore, replaceChild } = Node.prototype;
  Node.prototype.appendChild = function <T extends Node>(this: Node, node: T): T {
    stamp(node);
    return appendChild.call(this, node) as T;
  };
  Node.prototype.insertBefore = function <T extends Node>(this: Node, node: T, child: Node | null): T {
    stamp(node);
    return insertBefore.call(this, node, child) as T;
  };
  Node.prototype.replaceChild = function <T extends Node>(this: Node, node: Node, child: T): T {
    stamp(node);
    return replaceChild.call(this, node, child) as T;
  };
  for (const prototype of [Element.prototype, Document.prototype, DocumentFragment.prototype]) {
    for (const name of ['append', 'prepend'] as const) {
      const original = prototype[name];
      prototype[name] = function (this: ParentNode, ...nodes: Array<Node | string>) {
        nodes.forEach((node) => typeof node !== 'string' && stamp(node));
        original.apply(this, nodes);
      };
    }
  }
  const { setAttribute } = Element.prototype;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (name.toLowerCase() === 'style' && (this instanceof HTMLElement || this instanceof SVGElement)) {
      this.style.cssText = value;
      return;
    }
    setAttribute.call(this, name, value);
  };
}

export {};
