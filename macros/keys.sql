{#- A free-text part of a key joined with `|`, written so the key is never shared by two rows:
    `~` doubled and `|` written `~|`, so every `|` left in the part follows a `~`. Needed where
    two parts of a key are free text (with `customer_id || '|' || category`, customer `X|toys`
    in category `home` and customer `X` in category `toys|home` were both `X|toys|home`); a key
    whose other parts hold no `|` (dates, numbers, fixed names) needs none. -#}
{% macro key_part(expression) %}
    replace(replace({{ expression }}, '~', '~~'), '|', '~|')
{%- endmacro %}
