@persistence @writes
Feature: Persistence
  Phase 4: what a save accepted is exactly what every later read returns,
  character for character; what a save rejected never shows up.

  Background:
    Given I am logged in as the primary account

  @incident
  Scenario: The incident report's settings persist
    When I save my settings with:
      | field           | value                                                                                                      |
      | name            | Lex Makes It                                                                                               |
      | industry        | Software Development, Website Development                                                                  |
      | common_services | Software Development, Website Development                                                                  |
      | business_hours  | Monday-Friday, 12:00 PM - 10:00 PM                                                                         |
      | description     | We provide software development and website development services. For more information, visit lexmakesit.com. |
    Then the request succeeds
    And my settings read back exactly as saved
    And the saved business equals the next read

  Scenario Outline: Text is stored verbatim: <case>
    When I save my settings with:
      | field   | value   |
      | <field> | <value> |
    Then the request succeeds
    And my settings read back exactly as saved

    Examples:
      | case                   | field           | value                                           |
      | accents and CJK        | name            | Café Müller – 東京支店                            |
      | emoji                  | description     | We ❤️ dogs 🐕‍🦺 and cats 🐈‍⬛ (family: 👨‍👩‍👧‍👦)          |
      | right-to-left text     | industry        | שירותי תוכנה ופיתוח אתרים                         |
      | mixed direction        | common_services | Arabic: خدمات البرمجة, then English              |
      | surrounding whitespace | name            | {{"  Lex Makes It  "}}                           |
      | tabs and newlines      | description     | {{"Line one\\n\\tLine two\\r\\nLine three\\n"}} |
      | quotes                 | business_hours  | {{"Mon \"late\" 'till' 10 PM `really`"}}         |
      | SQL-looking text       | description     | Robert'); DROP TABLE businesses;--               |
      | HTML and escapes       | common_services | <b>bold</b> &amp; C:\\temp\\new &lt;tag&gt;      |
      | zero-width and combining | name          | {{"Lex\u200bMakes\u0301It"}}                     |
      | astral plane only      | industry        | {{"𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🀄 𓂀"}}                                 |
      | a single character     | name            | x                                               |

  Scenario Outline: <field> keeps its maximum length exactly
    When I save my settings with:
      | field   | value   |
      | <field> | {{max}} |
    Then the request succeeds
    And my settings read back exactly as saved

    Examples:
      | field           |
      | name            |
      | industry        |
      | common_services |
      | business_hours  |
      | description     |

  Scenario: FAQs at their maximum lengths persist
    When I save my settings with the FAQs:
      | question  | answer    |
      | {{max}}   | {{max}}   |
      | Short?    | Yes.      |
    Then the request succeeds
    And my settings read back exactly as saved

  Scenario: 50 FAQs keep their order
    When I save my settings with 50 generated FAQs
    Then the request succeeds
    And I have 50 FAQs in the order I saved them
    And the saved business equals the next read

  Scenario: Every field at once persists, and the response equals the next read
    When I save my settings with:
      | field           | value                 |
      | name            | {{faker:company}}     |
      | industry        | {{faker:job}}         |
      | common_services | {{faker:catch_phrase}} |
      | business_hours  | Mon-Sat 8:00-18:00    |
      | description     | {{faker:paragraph}}   |
      | faqs            | {{faqs:5}}            |
    Then the request succeeds
    And my settings read back exactly as saved
    And the saved business equals the next read

  Scenario: A rejected save keeps the earlier accepted one
    Given my settings are:
      | field       | value                 |
      | description | First accepted text.  |
    When I save my settings with:
      | field       | value        |
      | description | {{max+1}}    |
    Then the request is rejected as invalid
    And my settings are unchanged
    And my settings include:
      | field       | value                |
      | description | First accepted text. |
