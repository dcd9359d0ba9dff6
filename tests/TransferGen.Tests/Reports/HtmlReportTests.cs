using SkiaSharp;
using TransferGen.Reports;
using TransferGen.Tests.Data;

namespace TransferGen.Tests.Reports;

public class HtmlReportTests
{
    /// <summary>A PNG of <paramref name="width"/> × <paramref name="height"/> with a gradient (so it is not flat).</summary>
    internal static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(255 * x / width), (byte)(255 * y / height), 90));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A report with every kind of section, and markup-like text in each.</summary>
    internal static HtmlReport Sample() => new HtmlReport("Run <b>&amp; co", "under the <title>").Add(
        new HeadingSection("Accuracy & <loss>"),
        new ParagraphSection("a < b && c > d\nsecond line"),
        new TableSection(["class", "accuracy", "note"],
        [
            ["T-shirt<top>", "81.20 %", "fine & <i>dandy</i>"],
            ["Bag&Co", "0.5", "—"],
        ], "per class <all>"),
        new ImageSection(new ReportImage(Png(30, 20), "a \"gradient\" <alt>", "first & only"), new ReportImage(Png(8, 8), "tiny", pixelated: true)),
        new CodeSection("transfergen finetune --data 'a<b' && echo \"done\"", "reproduce <this>"));

    [Fact]
    public void Text_everywhere_is_escaped_so_markup_in_names_is_shown_not_parsed()
    {
        var html = Sample().ToHtml();
        Assert.Contains("<title>Run &lt;b&gt;&amp;amp; co</title>", html);
        Assert.Contains("<h2>Accuracy &amp; &lt;loss&gt;</h2>", html);
        Assert.Contains("a &lt; b &amp;&amp; c &gt; d<br>second line", html);
        Assert.Contains("T-shirt&lt;top&gt;", html);
        Assert.Contains("fine &amp; &lt;i&gt;dandy&lt;/i&gt;", html);
        Assert.Contains("alt=\"a &quot;gradient&quot; &lt;alt&gt;\"", html);
        Assert.Contains("echo &quot;done&quot;", html);
        Assert.DoesNotContain("<i>", html);
        Assert.DoesNotContain("<b>", html);
        var cells = HtmlReportAssert.Cells(html);
        Assert.Contains("T-shirt<top>", cells);
        Assert.Contains("Bag&Co", cells);
    }

    [Fact]
    public void Images_are_data_uris_that_decode_at_their_size_and_nothing_refers_outside_the_file()
    {
        var html = Sample().ToHtml();
        var images = HtmlReportAssert.SelfContained(html);
        Assert.Equal([(30, 20), (8, 8)], images.Select(b => (b.Width, b.Height)));
        Assert.Contains("width=\"30\" height=\"20\"", html);
        Assert.Contains("width=\"16\" height=\"16\" class=\"pixelated\"", html);   // small pixelated images are shown at twice their size
        Assert.Contains(HtmlReport.GeneratorMarker, html);
    }

    [Fact]
    public void The_checker_catches_what_would_be_fetched()
    {
        var html = Sample().ToHtml();
        foreach (var injected in new[] { "<img src=\"https://example.com/a.png\">", "<a href=\"//cdn.example.com/x\">x</a>", "<script>1</script>",
                     "<link rel=\"stylesheet\" href=\"s.css\">" })
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => HtmlReportAssert.SelfContained(html.Replace("</main>", injected + "</main>")));
    }

    [Fact]
    public void Numeric_columns_are_right_aligned_and_mixed_ones_are_not()
    {
        var table = new TableSection(["name", "count", "mixed"], [["a", "1,024", "12"], ["b", "-1.5e-3", "text"], ["c", "NaN", "3 %"]]);
        Assert.True(table.NumericColumn(1));
        Assert.False(table.NumericColumn(2));
        Assert.False(table.NumericColumn(0));
        var html = new HtmlReport("t").Add(table).ToHtml();
        Assert.Contains("<th class=\"num\">count</th>", html);
        Assert.Contains("<td class=\"num\">-1.5e-3</td>", html);
        Assert.Contains("<td>12</td>", html);
        foreach (var number in new[] { "0", "81.20 %", "-2", "1e5", ".5", "∞", "12,345.6" }) Assert.True(TableSection.IsNumeric(number), number);
        foreach (var text in new[] { "", "abc", "1.2.3", "12,34", "5 apples", "-" }) Assert.False(TableSection.IsNumeric(text), text);
    }

    [Fact]
    public void Rows_of_the_wrong_width_and_images_that_are_no_png_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new TableSection(["a", "b"], [["only one"]]));
        Assert.Throws<ArgumentException>(() => new ReportImage("GIF89a........................"u8.ToArray(), "not a png"));
        Assert.Throws<ArgumentException>(() => new ImageSection(Array.Empty<ReportImage>()));
    }

    [Fact]
    public void Write_puts_one_file_in_place_that_IsOurs_recognises_and_a_users_file_is_not_ours()
    {
        using var temp = new TempFolder();
        var path = temp["out/report.html"];
        Sample().Write(path);
        Assert.True(HtmlReport.IsOurs(path));
        Assert.Equal(Sample().ToHtml(), File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp["out"]));   // no temporary file left beside it

        File.WriteAllText(temp["mine.html"], "<!DOCTYPE html><html><head><title>my notes</title></head></html>");
        Assert.False(HtmlReport.IsOurs(temp["mine.html"]));
        Assert.False(HtmlReport.IsOurs(temp["missing.html"]));
        // The marker only counts in a document's head, not quoted somewhere in the user's text.
        File.WriteAllText(temp["quoted.txt"], "notes: " + HtmlReport.GeneratorMarker);
        Assert.False(HtmlReport.IsOurs(temp["quoted.txt"]));
    }
}
