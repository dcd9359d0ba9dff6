using System.Text;

namespace TransferGen.Interop.Onnx;

/// <summary>Turns ONNX names into module and tensor names that state_dict keys can use.</summary>
internal static class OnnxNames
{
    /// <summary>
    /// Keeps letters, digits and underscores and replaces everything else with '_' ('.' would split a
    /// state_dict key); a name that is empty or starts with a digit gets a prefix so it reads as an identifier.
    /// </summary>
    public static string Sanitize(string name, string fallback)
    {
        if (string.IsNullOrEmpty(name)) return fallback;
        var text = new StringBuilder(name.Length + 1);
        foreach (char ch in name) text.Append(char.IsAsciiLetterOrDigit(ch) || ch == '_' ? ch : '_');
        if (char.IsAsciiDigit(text[0])) text.Insert(0, '_');
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="name"/> itself when unused, else the first of name_2, name_3, … that is free; records it.
    /// </summary>
    public static string Unique(string name, ISet<string> used)
    {
        string candidate = name;
        for (int n = 2; !used.Add(candidate); n++) candidate = $"{name}_{n}";
        return candidate;
    }
}
