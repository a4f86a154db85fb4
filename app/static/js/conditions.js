/*
 * Wenfang (问访) condition language, browser and node evaluator.
 *
 * The twin of the Python package surveys.logic (grammar.py, values.py, functions.py,
 * piping.py): same grammar, same coercion table, same error codes. Both are held to the one
 * case table surveys/logic/cases.json (tests/surveys/js/run_cases.cjs runs this file on it).
 * No dependencies, no eval: a strict recursive-descent parser with a depth limit.
 *
 * Browser:  <script src="conditions.js"></script>  ->  window.WenfangConditions
 * node:     const conditions = require("./conditions.js");
 *
 *   conditions.parse(text)                 -> tree (throws ExpressionError {code, position})
 *   conditions.evaluate(textOrTree, answers) -> value
 *   conditions.conditionHolds(text, answers) -> boolean (empty condition: true)
 *   conditions.pipe(text, answers, definition) -> text with {qid} replaced
 */
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) {
    module.exports = factory();
  } else {
    root.WenfangConditions = factory();
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var MAX_LENGTH = 2000;
  var MAX_DEPTH = 32;
  var KEYWORDS = ["and", "or", "not", "in", "true", "false", "null"];
  var COMPARISONS = ["=", "!=", "<", "<=", ">", ">="];
  var MISSPELLINGS = { "==": "=", "&&": "and", "||": "or", "<>": "!=", "!": "not" };
  var TWO_CHAR = ["!=", "<=", ">=", "==", "&&", "||", "<>"];
  var ONE_CHAR = "=<>+-*/%()[],!";
  var NUMERIC_STRING = /^-?[0-9]+(\.[0-9]+)?$/;
  var PIPE = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

  function ExpressionError(code, position, params) {
    var error = new Error(code + (position ? " at " + position : ""));
    error.name = "ExpressionError";
    error.code = code;
    error.position = position === undefined ? null : position;
    error.params = params || {};
    return error;
  }

  function hasOwn(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  function isMap(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function codePoints(text) {
    return Array.from(text);
  }

  function contains(list, item) {
    return list.indexOf(item) !== -1;
  }

  // ---- tokenizer ---------------------------------------------------------------------
  function tokenize(text) {
    var tokens = [];
    var i = 0;
    var n = text.length;
    var numberRe = /[0-9]+(?:\.[0-9]+)?/y;
    var nameRe = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?/y;
    while (i < n) {
      var c = text[i];
      if (c === " " || c === "\t" || c === "\r" || c === "\n") {
        i += 1;
        continue;
      }
      var pos = i + 1;
      if (c >= "0" && c <= "9") {
        numberRe.lastIndex = i;
        var digits = numberRe.exec(text)[0];
        var number = Number(digits);
        if (!isFinite(number)) {
          throw ExpressionError("expr_number_too_large", pos, { token: digits.slice(0, 20) + "…" });
        }
        tokens.push(["num", number, pos]);
        i += digits.length;
      } else if (c === "'" || c === '"') {
        i = readString(text, i, tokens);
      } else if (((nameRe.lastIndex = i), nameRe.test(text))) {
        var word = text.slice(i, nameRe.lastIndex);
        if (contains(KEYWORDS, word)) {
          tokens.push(["kw", word, pos]);
        } else if (contains(KEYWORDS, word.toLowerCase())) {
          throw ExpressionError("expr_operator_spelling", pos, { found: word, expected: word.toLowerCase() });
        } else {
          tokens.push(["name", word, pos]);
        }
        i = nameRe.lastIndex;
      } else if (contains(TWO_CHAR, text.slice(i, i + 2))) {
        var op2 = text.slice(i, i + 2);
        if (hasOwn(MISSPELLINGS, op2)) {
          throw ExpressionError("expr_operator_spelling", pos, { found: op2, expected: MISSPELLINGS[op2] });
        }
        tokens.push(["op", op2, pos]);
        i += 2;
      } else if (ONE_CHAR.indexOf(c) !== -1) {
        if (hasOwn(MISSPELLINGS, c)) {
          throw ExpressionError("expr_operator_spelling", pos, { found: c, expected: MISSPELLINGS[c] });
        }
        tokens.push(["op", c, pos]);
        i += 1;
      } else {
        throw ExpressionError("expr_unexpected_char", pos, { char: String.fromCodePoint(text.codePointAt(i)) });
      }
    }
    tokens.push(["end", null, n + 1]);
    return tokens;
  }

  function readString(text, i, tokens) {
    var quote = text[i];
    var start = i;
    var chars = "";
    i += 1;
    while (i < text.length) {
      var c = text[i];
      if (c === quote) {
        tokens.push(["str", chars, start + 1]);
        return i + 1;
      }
      if (c === "\\") {
        var next = i + 1 < text.length ? text[i + 1] : "";
        if (next !== "'" && next !== '"' && next !== "\\") {
          throw ExpressionError("expr_bad_escape", i + 1);
        }
        chars += next;
        i += 2;
        continue;
      }
      chars += c;
      i += 1;
    }
    throw ExpressionError("expr_unclosed_string", start + 1);
  }

  // ---- functions (declared once; same table as surveys/logic/functions.py) ------------
  var FUNCTIONS = {
    selected: {
      params: ["question", "string"],
      body: function (answer, value) {
        if (answer === null) return false;
        if (Array.isArray(answer)) {
          return answer.some(function (item) {
            return equals(item, value);
          });
        }
        return equals(answer, value);
      },
    },
    answered: { params: ["question"], body: function (answer) { return answer !== null; } },
    empty: { params: ["question"], body: function (answer) { return answer === null; } },
    count: {
      params: ["question"],
      body: function (answer) {
        if (answer === null) return 0;
        if (Array.isArray(answer)) return answer.length;
        if (isMap(answer)) return Object.keys(answer).length;
        return 1;
      },
    },
    length: {
      params: ["value"],
      body: function (value) {
        if (value === null) return 0;
        if (typeof value === "string") return codePoints(value).length;
        if (Array.isArray(value)) return value.length;
        return null;
      },
    },
  };

  // ---- parser --------------------------------------------------------------------------
  function Parser(tokens) {
    this.tokens = tokens;
    this.i = 0;
    this.depth = 0;
  }

  Parser.prototype.peek = function () {
    return this.tokens[this.i];
  };
  Parser.prototype.take = function () {
    return this.tokens[this.i++];
  };
  Parser.prototype.at = function (kind, value) {
    var t = this.peek();
    return t[0] === kind && (value === undefined || t[1] === value);
  };
  Parser.prototype.atComparison = function () {
    return this.at("op") && contains(COMPARISONS, this.peek()[1]);
  };
  Parser.prototype.enter = function () {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw ExpressionError("expr_too_deep", this.peek()[2], { max: MAX_DEPTH });
  };
  Parser.prototype.unexpected = function () {
    var t = this.peek();
    if (t[0] === "end") return ExpressionError("expr_unexpected_end", t[2]);
    return ExpressionError("expr_unexpected_token", t[2], { token: String(t[1]) });
  };
  Parser.prototype.close = function (closer) {
    if (this.at("op", closer)) {
      this.take();
    } else if (this.at("end")) {
      throw ExpressionError("expr_unclosed_paren", this.peek()[2]);
    } else {
      throw this.unexpected();
    }
  };
  Parser.prototype.expression = function () {
    var items = [this.conjunction()];
    while (this.at("kw", "or")) {
      this.take();
      items.push(this.conjunction());
    }
    return items.length === 1 ? items[0] : ["or", items];
  };
  Parser.prototype.conjunction = function () {
    var items = [this.negation()];
    while (this.at("kw", "and")) {
      this.take();
      items.push(this.negation());
    }
    return items.length === 1 ? items[0] : ["and", items];
  };
  Parser.prototype.negation = function () {
    if (this.at("kw", "not")) {
      this.take();
      this.enter();
      var node = ["not", this.negation()];
      this.depth -= 1;
      return node;
    }
    return this.comparison();
  };
  Parser.prototype.comparison = function () {
    var left = this.sum();
    var node;
    if (this.atComparison()) {
      var op = this.take()[1];
      node = ["cmp", op, left, this.sum()];
    } else if (this.at("kw", "in")) {
      this.take();
      node = ["in", left, this.listLiteral()];
    } else {
      return left;
    }
    if (this.atComparison() || this.at("kw", "in")) {
      throw ExpressionError("expr_chained_comparison", this.peek()[2]);
    }
    return node;
  };
  Parser.prototype.chain = function (operand, ops) {
    var first = operand.call(this);
    var rest = [];
    while (this.at("op") && contains(ops, this.peek()[1])) {
      var op = this.take()[1];
      rest.push([op, operand.call(this)]);
    }
    return rest.length === 0 ? first : ["arith", first, rest];
  };
  Parser.prototype.sum = function () {
    return this.chain(this.product, ["+", "-"]);
  };
  Parser.prototype.product = function () {
    return this.chain(this.unary, ["*", "/", "%"]);
  };
  Parser.prototype.unary = function () {
    if (this.at("op", "-")) {
      this.take();
      this.enter();
      var node = ["neg", this.unary()];
      this.depth -= 1;
      return node;
    }
    return this.atom();
  };
  Parser.prototype.atom = function () {
    var t = this.peek();
    var kind = t[0];
    var value = t[1];
    if (kind === "num") {
      this.take();
      return ["num", value];
    }
    if (kind === "str") {
      this.take();
      return ["str", value];
    }
    if (kind === "kw" && (value === "true" || value === "false")) {
      this.take();
      return ["bool", value === "true"];
    }
    if (kind === "kw" && value === "null") {
      this.take();
      return ["null"];
    }
    if (kind === "name") {
      this.take();
      if (this.at("op", "(")) return this.call(value, t[2]);
      var dot = value.indexOf(".");
      return dot === -1 ? ["ref", value, null] : ["ref", value.slice(0, dot), value.slice(dot + 1)];
    }
    if (kind === "op" && value === "(") {
      this.take();
      this.enter();
      var node = this.expression();
      this.close(")");
      this.depth -= 1;
      return node;
    }
    if (kind === "op" && value === "[") return this.listLiteral();
    throw this.unexpected();
  };
  Parser.prototype.call = function (name, pos) {
    if (!hasOwn(FUNCTIONS, name)) throw ExpressionError("expr_unknown_function", pos, { name: name.slice(0, 40) });
    var fn = FUNCTIONS[name];
    this.take(); // "("
    this.enter();
    var args = [];
    if (!this.at("op", ")")) {
      args.push(this.expression());
      while (this.at("op", ",")) {
        this.take();
        args.push(this.expression());
      }
    }
    this.close(")");
    this.depth -= 1;
    if (args.length !== fn.params.length) {
      throw ExpressionError("expr_arity", pos, { name: name, expected: fn.params.length, found: args.length });
    }
    for (var k = 0; k < args.length; k++) {
      var param = fn.params[k];
      if ((param === "question" && args[k][0] !== "ref") || (param === "string" && args[k][0] !== "str")) {
        throw ExpressionError("expr_arg_type", pos, { name: name, index: k + 1, expected: param });
      }
    }
    return ["call", name, args];
  };
  Parser.prototype.listLiteral = function () {
    if (!this.at("op", "[")) throw this.unexpected();
    this.take();
    this.enter();
    var items = [];
    if (!this.at("op", "]")) {
      items.push(this.literal());
      while (this.at("op", ",")) {
        this.take();
        items.push(this.literal());
      }
    }
    this.close("]");
    this.depth -= 1;
    return ["list", items];
  };
  Parser.prototype.literal = function () {
    var t = this.peek();
    if (t[0] === "op" && t[1] === "-" && this.tokens[this.i + 1][0] === "num") {
      this.take();
      return ["num", -this.take()[1]];
    }
    if (t[0] === "num" || t[0] === "str" || (t[0] === "kw" && (t[1] === "true" || t[1] === "false"))) {
      return this.atom();
    }
    throw this.unexpected();
  };

  function parse(text) {
    if (typeof text !== "string") throw ExpressionError("expr_empty");
    if (text.length > MAX_LENGTH && codePoints(text).length > MAX_LENGTH) {
      throw ExpressionError("expr_too_long", null, { max: MAX_LENGTH });
    }
    if (/^[ \t\r\n]*$/.test(text)) throw ExpressionError("expr_empty");
    var parser = new Parser(tokenize(text));
    var tree = parser.expression();
    if (!parser.at("end")) throw parser.unexpected();
    return tree;
  }

  // ---- values (same table as surveys/logic/values.py) ----------------------------------
  function fromAnswer(value) {
    if (value === undefined || value === null) return null;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value === "string") return value === "" ? null : value;
    if (Array.isArray(value)) return value.length ? value.slice() : null;
    if (isMap(value)) return Object.keys(value).length ? value : null;
    return null;
  }

  function toNumber(value) {
    if (typeof value === "number") return isFinite(value) ? value : null;
    if (typeof value === "string" && NUMERIC_STRING.test(value)) {
      var number = Number(value);
      return isFinite(number) ? number : null;
    }
    return null;
  }

  function truthy(value) {
    if (value === null || value === undefined) return false;
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0;
    if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
    if (isMap(value)) return Object.keys(value).length > 0;
    return false;
  }

  function equals(a, b) {
    if (a === null || a === undefined || b === null || b === undefined) {
      return (a === null || a === undefined) && (b === null || b === undefined);
    }
    if (typeof a === "boolean" || typeof b === "boolean") {
      return typeof a === "boolean" && typeof b === "boolean" && a === b;
    }
    if (typeof a === "number" || typeof b === "number") {
      var na = toNumber(a);
      var nb = toNumber(b);
      return na !== null && nb !== null && na === nb;
    }
    if (typeof a === "string" && typeof b === "string") return a === b;
    return false;
  }

  function compareCodePoints(a, b) {
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      var ca = a.codePointAt(i);
      var cb = b.codePointAt(j);
      if (ca !== cb) return ca < cb ? -1 : 1;
      i += ca > 0xffff ? 2 : 1;
      j += cb > 0xffff ? 2 : 1;
    }
    if (i < a.length) return 1;
    if (j < b.length) return -1;
    return 0;
  }

  function compare(a, b) {
    if (a === null || b === null || typeof a === "boolean" || typeof b === "boolean") return null;
    if (typeof a === "number" || typeof b === "number") {
      var na = toNumber(a);
      var nb = toNumber(b);
      if (na === null || nb === null) return null;
      return (na > nb ? 1 : 0) - (na < nb ? 1 : 0);
    }
    if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
    return null;
  }

  function arithmetic(op, a, b) {
    var x = toNumber(a);
    var y = toNumber(b);
    if (x === null || y === null) return null;
    var result;
    if (op === "+") result = x + y;
    else if (op === "-") result = x - y;
    else if (op === "*") result = x * y;
    else if (op === "/") {
      if (y === 0) return null;
      result = x / y;
    } else {
      if (y === 0) return null;
      result = x % y;
    }
    return isFinite(result) ? result : null;
  }

  // ---- evaluation ----------------------------------------------------------------------
  function reference(answers, qid, part) {
    var value = answers !== null && typeof answers === "object" && hasOwn(answers, qid) ? answers[qid] : null;
    if (part !== null) value = isMap(value) && hasOwn(value, part) ? value[part] : null;
    return fromAnswer(value);
  }

  function compareOp(op, a, b) {
    if (op === "=") return equals(a, b);
    if (op === "!=") return !equals(a, b);
    var order = compare(a, b);
    if (order === null) return false;
    if (op === "<") return order < 0;
    if (op === "<=") return order <= 0;
    if (op === ">") return order > 0;
    return order >= 0;
  }

  function evalNode(node, answers) {
    var kind = node[0];
    var k;
    if (kind === "num" || kind === "str" || kind === "bool") return node[1];
    if (kind === "null") return null;
    if (kind === "ref") return reference(answers, node[1], node[2]);
    if (kind === "list") {
      return node[1].map(function (item) {
        return evalNode(item, answers);
      });
    }
    if (kind === "not") return !truthy(evalNode(node[1], answers));
    if (kind === "and") {
      for (k = 0; k < node[1].length; k++) if (!truthy(evalNode(node[1][k], answers))) return false;
      return true;
    }
    if (kind === "or") {
      for (k = 0; k < node[1].length; k++) if (truthy(evalNode(node[1][k], answers))) return true;
      return false;
    }
    if (kind === "neg") {
      var number = toNumber(evalNode(node[1], answers));
      return number === null ? null : -number;
    }
    if (kind === "cmp") return compareOp(node[1], evalNode(node[2], answers), evalNode(node[3], answers));
    if (kind === "in") {
      var value = evalNode(node[1], answers);
      var items = evalNode(node[2], answers);
      if (value === null) return false;
      var values = Array.isArray(value) ? value : [value];
      return values.some(function (v) {
        return items.some(function (item) {
          return equals(v, item);
        });
      });
    }
    if (kind === "arith") {
      var result = evalNode(node[1], answers);
      for (k = 0; k < node[2].length; k++) {
        result = arithmetic(node[2][k][0], result, evalNode(node[2][k][1], answers));
      }
      return result;
    }
    if (kind === "call") {
      var args = node[2].map(function (arg) {
        return evalNode(arg, answers);
      });
      return FUNCTIONS[node[1]].body.apply(null, args);
    }
    throw new Error("not a condition tree node: " + kind);
  }

  function evaluate(expression, answers) {
    var tree = typeof expression === "string" ? parse(expression) : expression;
    return evalNode(tree, answers || {});
  }

  function conditionHolds(expression, answers) {
    if (expression === null || expression === undefined) return true;
    if (typeof expression === "string" && expression.trim() === "") return true;
    return truthy(evaluate(expression, answers));
  }

  // ---- piping (same rules as surveys/logic/piping.py) ------------------------------------
  function optionLabels(definition) {
    var labels = {};
    ((definition && definition.pages) || []).forEach(function (page) {
      (page.questions || []).forEach(function (question) {
        var map = {};
        (question.options || []).forEach(function (option) {
          map[option.value] = option.label === undefined ? "" : option.label;
        });
        labels[question.id] = map;
      });
    });
    return labels;
  }

  function formatValue(value, labels) {
    labels = labels || {};
    if (value === undefined || value === null) return "";
    if (typeof value === "boolean") return value ? "是" : "否";
    if (typeof value === "number") {
      if (!isFinite(value)) return "";
      return String(value); // integers without ".0", others as the shortest round-trip form
    }
    if (typeof value === "string") return hasOwn(labels, value) ? labels[value] : value;
    if (Array.isArray(value)) {
      return value
        .map(function (v) {
          return formatValue(v, labels);
        })
        .join("、");
    }
    return "";
  }

  function pipe(text, answers, definition) {
    if (!text) return text || "";
    var labels = optionLabels(definition);
    answers = answers || {};
    return text.replace(PIPE, function (_, qid) {
      var value = hasOwn(answers, qid) ? answers[qid] : null;
      return formatValue(value, hasOwn(labels, qid) ? labels[qid] : null);
    });
  }

  return {
    MAX_LENGTH: MAX_LENGTH,
    MAX_DEPTH: MAX_DEPTH,
    FUNCTIONS: FUNCTIONS,
    tokenize: tokenize,
    parse: parse,
    evaluate: evaluate,
    conditionHolds: conditionHolds,
    truthy: truthy,
    pipe: pipe,
  };
});
