using System.Text;

namespace TransferGen.Tests.Architecture;

/// <summary>
/// Splits C# source into its code and its comments, so that names inside string literals are not taken for
/// references and names in doc comments can be read apart. Both results keep the input's length and line breaks
/// (everything else blanked), so line numbers carry over. Handles regular, verbatim, raw and interpolated strings
/// (the holes of an interpolated string are code) and character literals; it is not a full lexer.
/// </summary>
public sealed class CSharpText
{
    readonly string _s;
    readonly StringBuilder _code;
    readonly StringBuilder _comments;
    int _i;

    CSharpText(string source)
    {
        _s = source;
        _code = new StringBuilder(new string(' ', source.Length));
        _comments = new StringBuilder(new string(' ', source.Length));
        for (var k = 0; k < source.Length; k++)
            if (source[k] == '\n') _code[k] = _comments[k] = '\n';
    }

    /// <summary>The code of <paramref name="source"/> (strings and comments blanked) and its comments (all else blanked).</summary>
    public static (string Code, string Comments) Split(string source)
    {
        var text = new CSharpText(source);
        text.Code(inHole: false);
        return (text._code.ToString(), text._comments.ToString());
    }

    char At(int k) => k < _s.Length ? _s[k] : '\0';

    void KeepCode(int k) => _code[k] = _s[k];

    /// <summary>Code up to the end of the text, or (in an interpolation hole) up to the '}' that closes it.</summary>
    void Code(bool inHole)
    {
        var depth = 0;
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (c == '/' && At(_i + 1) == '/')
            {
                while (_i < _s.Length && _s[_i] != '\n') { _comments[_i] = _s[_i]; _i++; }
            }
            else if (c == '/' && At(_i + 1) == '*')
            {
                var end = _s.IndexOf("*/", _i + 2, StringComparison.Ordinal);
                end = end < 0 ? _s.Length : end + 2;
                for (; _i < end; _i++) if (_s[_i] != '\n') _comments[_i] = _s[_i];
            }
            else if (c == '\'')
            {
                _i++;
                while (_i < _s.Length && _s[_i] != '\'' && _s[_i] != '\n') _i += _s[_i] == '\\' ? 2 : 1;
                _i++;
            }
            else if (StringStart(out var dollars, out var verbatim, out var quotes))
            {
                String(dollars, verbatim, quotes);
            }
            else
            {
                if (c == '{') depth++;
                else if (c == '}')
                {
                    if (depth == 0 && inHole) return;
                    depth--;
                }
                KeepCode(_i);
                _i++;
            }
        }
    }

    /// <summary>At a string literal: its <c>$</c> count, whether it has <c>@</c>, its opening quotes; moves past the prefix.</summary>
    bool StringStart(out int dollars, out bool verbatim, out int quotes)
    {
        var k = _i;
        dollars = 0;
        verbatim = false;
        while (At(k) is '$' or '@')
        {
            if (At(k) == '$') dollars++;
            else verbatim = true;
            k++;
        }
        quotes = 0;
        while (At(k + quotes) == '"') quotes++;
        if (quotes == 0) return false;
        _i = k;
        return true;
    }

    void String(int dollars, bool verbatim, int quotes)
    {
        if (quotes == 2) { _i += 2; return; }   // ""
        var raw = quotes >= 3;
        _i += raw ? quotes : 1;
        var holeBraces = raw ? Math.Max(dollars, 1) : 1;
        while (_i < _s.Length)
        {
            var c = _s[_i];
            if (raw && c == '"' && Run('"') >= quotes) { _i += quotes; return; }
            if (!raw && c == '"')
            {
                if (verbatim && At(_i + 1) == '"') { _i += 2; continue; }
                _i++;
                return;
            }
            if (!raw && !verbatim && c == '\\') { _i += 2; continue; }
            if (dollars > 0 && c == '{')
            {
                var run = Run('{');
                if (!raw && run >= 2) { _i += 2; continue; }   // {{ is a literal brace
                if (run < holeBraces) { _i += run; continue; }
                _i += run;
                Code(inHole: true);
                _i += holeBraces;   // past the closing brace(s)
                continue;
            }
            _i++;
        }
    }

    int Run(char c)
    {
        var n = 0;
        while (At(_i + n) == c) n++;
        return n;
    }
}
