"""`{% constant %}…{% endconstant %}`: markup that is the same on every request, rendered once
for each language (and script prefix) in each process instead of on every page.

A page's labels, buttons and help texts are most of its `{% translate %}` tags, and each costs a
catalog lookup and an escape on every request. Inside a constant block only what cannot read
the request is allowed: text, comments, `{% translate %}` of a literal, `{% blocktranslate %}`
without variables, and `{% url %}` and `{% static %}` with literal arguments; anything else is
refused when the template is compiled, so a block can never hand one request's data to
another. Every worker renders the same text from the same code and catalogs, so no worker's
copy can contradict another's. tests/test_constant.py renders the pages with and without the
blocks' copies and compares them byte for byte.
"""

import weakref

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, URLNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.templatetags.static import StaticNode
from django.urls import get_script_prefix
from django.utils.translation import get_language

register = template.Library()

_blocks = weakref.WeakSet()


def _literal(expression):
    """Whether a FilterExpression (or None) is a literal without filters."""
    if expression is None:
        return True
    variable = expression.var
    if isinstance(variable, Variable):
        return variable.lookups is None and not expression.filters
    return not expression.filters  # a number or a string the parser already resolved


def _is_constant(node):
    if isinstance(node, TextNode | CommentNode):
        return True
    if isinstance(node, TranslateNode):
        return (
            node.asvar is None
            and _literal(node.filter_expression)
            and _literal(node.message_context)
        )
    if isinstance(node, BlockTranslateNode):
        tokens = node.singular + (node.plural or [])
        return (
            not node.extra_context
            and node.counter is None
            and node.asvar is None
            and _literal(node.message_context)
            and all(token.token_type.name == "TEXT" for token in tokens)
        )
    if isinstance(node, URLNode):
        return (
            node.asvar is None
            and _literal(node.view_name)
            and all(_literal(arg) for arg in node.args)
            and all(_literal(arg) for arg in node.kwargs.values())
        )
    if isinstance(node, StaticNode):
        return node.varname is None and _literal(node.path)
    return False


def _describe(node):
    if isinstance(node, VariableNode):
        return f"the variable {{{{ {node.filter_expression.token} }}}}"
    token = getattr(node, "token", None)
    return f"{{% {token.contents} %}}" if token else repr(node)


class ConstantNode(template.Node):
    # Nothing inside is a block or a tag that a template looks for (an {% extends %} walks its
    # parent's nodes on every render to find the blocks).
    child_nodelists = ()

    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered = {}
        _blocks.add(self)

    def render(self, context):
        # Under {% autoescape off %} a URL's "&" would stay as it is.
        key = (get_language(), get_script_prefix(), context.autoescape)
        try:
            return self.rendered[key]
        except KeyError:
            text = self.rendered[key] = self.nodelist.render(context)
            return text


@register.tag
def constant(parser, token):
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% constant %} takes no arguments.")
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    for node in nodelist:
        if not _is_constant(node):
            raise template.TemplateSyntaxError(
                f"{{% constant %}} holds only text, literal translations, URLs and static "
                f"files; it cannot hold {_describe(node)}, which could differ between requests."
            )
    return ConstantNode(nodelist)


@receiver(setting_changed)
def _forget(**kwargs):
    # Other catalogs, languages, URLs or static storage (tests override them): render again.
    for block in list(_blocks):
        block.rendered.clear()
