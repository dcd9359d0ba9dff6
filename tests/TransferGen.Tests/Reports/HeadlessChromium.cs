using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TransferGen.Tests.Reports;

/// <summary>
/// Renders an HTML file in headless Chromium, with every host name unresolvable (so any fetch fails rather than goes
/// out), and reports what the page saw once loaded: the images and how many decoded, the tables, and the URL of every
/// resource it fetched. The file under test is copied and a small probe script appended to the copy, which writes its
/// findings into the body's data attributes; --dump-dom prints them. The report itself has no script.
/// </summary>
static partial class HeadlessChromium
{
    /// <summary>What the loaded page held.</summary>
    public sealed record Page(int Images, int DecodedImages, int Tables, IReadOnlyList<string> Resources);

    const string Probe = """
        <script>
        window.addEventListener('load', () => {
          const images = [...document.images];
          const data = document.body.dataset;
          data.probeImages = images.length;
          data.probeDecoded = images.filter(i => i.complete && i.naturalWidth > 0).length;
          data.probeTables = document.querySelectorAll('table').length;
          data.probeResources = JSON.stringify(performance.getEntriesByType('resource').map(e => e.name));
          data.probeDone = 'yes';
        });
        </script>
        """;

    static readonly Lazy<string?> Binary = new(Find);

    /// <summary>The Chromium executable on PATH (chromium, chromium-browser), or null.</summary>
    public static string? Executable => Binary.Value;

    static string? Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(dir => new[] { "chromium", "chromium-browser" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Loads a probed copy of <paramref name="htmlFile"/>; fails the test when Chromium fails or takes over a minute.</summary>
    public static Page Load(string htmlFile)
    {
        var chromium = Executable ?? throw new InvalidOperationException("no chromium on PATH");
        var work = Path.Combine(Path.GetTempPath(), "transfergen-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var probed = Path.Combine(work, "page.html");
            var html = File.ReadAllText(htmlFile);
            var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
            Assert.True(end >= 0, "the page has no </body>");
            File.WriteAllText(probed, html[..end] + Probe + html[end..]);

            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Root needs --no-sandbox; a fresh profile keeps runs apart; virtual time lets the load finish before the dump.
            foreach (var argument in new[]
                     {
                         "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         $"--user-data-dir={Path.Combine(work, "profile")}", "--host-resolver-rules=MAP * ~NOTFOUND",
                         "--run-all-compositor-stages-before-draw", "--virtual-time-budget=3000", "--dump-dom",
                         new Uri(probed).AbsoluteUri,
                     })
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var dom = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("chromium did not finish within 60 s");
            }
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}: {stderr.Result}");
            return Parse(dom.Result);
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static Page Parse(string dom)
    {
        var body = Body().Match(dom);
        Assert.True(body.Success, "chromium printed no <body>");
        var attributes = Attribute().Matches(body.Value).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        Assert.True(attributes.GetValueOrDefault("data-probe-done") == "yes", "the page's load event never fired: " + body.Value);
        return new Page(int.Parse(attributes["data-probe-images"]), int.Parse(attributes["data-probe-decoded"]), int.Parse(attributes["data-probe-tables"]),
            JsonSerializer.Deserialize<string[]>(attributes["data-probe-resources"])!);
    }

    [GeneratedRegex(@"<body\b[^>]*>")]
    private static partial Regex Body();

    [GeneratedRegex(@"(?<name>data-[a-z-]+)=""(?<value>[^""]*)""")]
    private static partial Regex Attribute();
}

/// <summary>A fact that runs only where Chromium is installed (Debian: apt-get install chromium; .ci/run installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Skips the test, saying why, when there is no Chromium on PATH.</summary>
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Executable is null) Skip = "chromium is not on PATH (Debian: apt-get install chromium), so the browser test cannot run";
    }
}
