using System.Net;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace TransferGen.Tests.Reports;

/// <summary>Checks that a report is one self-contained file: no scripts, nothing fetched, images that decode.</summary>
static partial class HtmlReportAssert
{
    /// <summary>
    /// Fails unless <paramref name="html"/> has no script, no stylesheet link or CSS import/url, and no src or href that is
    /// not a data URI; returns the decoded PNG of each &lt;img&gt;, in order.
    /// </summary>
    public static List<SKBitmap> SelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        foreach (Match reference in Reference().Matches(html))
        {
            var value = reference.Groups["value"].Value;
            Assert.True(value.StartsWith("data:image/png;base64,", StringComparison.Ordinal),
                $"{reference.Groups["attr"].Value} refers outside the file: {value[..Math.Min(80, value.Length)]}");
        }
        Assert.DoesNotMatch(@"(src|href)\s*=\s*[""']?(https?:)?//", html);
        var images = new List<SKBitmap>();
        foreach (Match image in Image().Matches(html))
        {
            var src = image.Groups["src"].Value;
            Assert.StartsWith("data:image/png;base64,", src, StringComparison.Ordinal);
            var bitmap = SKBitmap.Decode(Convert.FromBase64String(src["data:image/png;base64,".Length..]));
            Assert.True(bitmap is not null, "an embedded image does not decode as PNG");
            Assert.True(bitmap.Width > 0 && bitmap.Height > 0);
            images.Add(bitmap);
        }
        return images;
    }

    /// <summary>The text of each cell (th or td) of every table, decoded.</summary>
    public static List<string> Cells(string html) =>
        Cell().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups["text"].Value)).ToList();

    [GeneratedRegex(@"\b(?<attr>src|href|srcset|poster|action|data)\s*=\s*""(?<value>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();

    [GeneratedRegex(@"<img\b[^>]*\bsrc=""(?<src>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Image();

    [GeneratedRegex(@"<t[hd]\b[^>]*>(?<text>.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex Cell();
}
