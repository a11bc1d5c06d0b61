// The Tenet policy language (docs/language.md).
//
// Newlines are ordinary whitespace: declarations, metadata entries and fields are
// separated by newlines, `,` or `;`. Postfix predicate application (`EXPR pred`) therefore
// competes with the start of the next entry (`fix = "a"` NEWLINE `message = "b"`);
// ANTLR's ALL(*) prediction settles it with the `=` that follows the identifier.
//
// The parser walks these contexts directly (no listener/visitor); see compiler/src/parser*.cpp.
grammar Tenet;

// ---------------------------------------------------------------- files

file
    : packageDecl? importDecl* ((decl | testDecl) sep?)* EOF
    ;

packageDecl : PACKAGE qualifiedName sep? ;
importDecl  : IMPORT qualifiedName (AS alias=ident)? sep? ;
qualifiedName : anyName (DOT anyName)* ;

sep : COMMA | SEMI ;

decl
    : PARAM name=ident COLON typeRef (ASSIGN value=expr)?                        #paramDecl
    | LET name=ident (COLON typeRef)? ASSIGN value=expr                          #letDecl
    | PRED name=ident LPAREN (predParam (COMMA predParam)* COMMA?)? RPAREN
          (COLON result=typeRef)? ASSIGN body=expr                               #predDecl
    | TYPE name=ident LBRACE (fieldDecl sep?)* RBRACE                            #typeDecl
    | MAP frontend=ident nativeType=STRING AS binder=ident TO target=ident
          LBRACE (mapField sep?)* RBRACE                                         #mapDecl
    | RULE name=ident LBRACE (ruleItem sep?)* ruleBody sep? RBRACE               #ruleDecl
    ;

// ---------------------------------------------------------------- tests (`tenet test`)
// `test`, `input`, `expect`, `fails`, ... are keywords only here: everywhere else they
// are names (see `ident`); `for` is a keyword everywhere (comprehensions). A parameter value is a single literal, so that the next
// statement's first word can never be read as a predicate applied to it.

testDecl : TEST name=STRING LBRACE (testStmt sep?)* RBRACE ;

testStmt
    : INPUT frontend=ident (fileName=STRING)? text=TEXT_BLOCK                   #inlineInput
    | INPUT path=STRING                                                          #fixtureInput
    | PARAM name=qualifiedName ASSIGN MINUS? value=primary                       #testParam
    | EXPECT ref=ruleRef verdict=expectVerdict (ON address=testAddress)?        #expectVerdictStmt
    | EXPECT NO FINDINGS (FOR ref=ruleRef)?                                      #expectNoFindings
    ;

expectVerdict : FAILS | PASSES | UNKNOWN | NOT APPLICABLE ;

// A rule id (TNT-S3-001: written without spaces) or a rule name.
ruleRef : ruleRefPart (MINUS ruleRefPart)* | STRING ;
ruleRefPart : anyName | NUMBER ;

// aws_s3_bucket.content, module.m.aws_x.y[0], aws_x.y["k"], Stack/LogicalId, my-bucket,
// or any address as a string.
testAddress
    : addressPart (DOT addressPart | SLASH addressPart | MINUS addressPart
                  | LBRACK (NUMBER | STRING) RBRACK)*
    | STRING
    ;
addressPart : anyName | NUMBER ;

predParam : name=ident COLON typeRef ;
fieldDecl : name=anyName COLON typeRef ;
mapField  : name=anyName ASSIGN value=expr ;

ruleItem
    : LET name=ident (COLON typeRef)? ASSIGN value=expr                          #ruleLet
    | key=anyName ASSIGN value=expr                                              #ruleMeta
    ;

ruleBody
    : EVERY target=resourceType (AS binder=ident)? (WHERE cond=expr)?
          REQUIRES req=expr                                                      #everyBody
    | NO target=resourceType (AS binder=ident)? WHERE cond=expr                  #noBody
    | EXISTS target=resourceType (AS binder=ident)? (WHERE cond=expr)?           #existsBody
    | AT LEAST (percent=NUMBER | PARAM DOT percentName=ident | percentName=ident) PERCENT OF
          target=resourceType (AS binder=ident)? (WHERE cond=expr)? REQUIRES req=expr
                                                                                 #atLeastBody
    ;

resourceType
    : typeRef                                                                    #namedResource
    | STRING                                                                     #stringResource
    ;

typeRef : name=typeName (LT typeRef GT)? ;
typeName : ident | MAP ;

// ---------------------------------------------------------------- expressions
// Alternatives are listed from the tightest binding to the loosest.

expr
    : primary                                                                    #primaryExpr
    | expr DOT STAR                                                              #mapValuesExpr
    | expr DOT anyName                                                           #fieldExpr
    | expr LBRACK STAR RBRACK                                                    #projectionExpr
    | expr LBRACK index=expr RBRACK                                              #indexExpr
    | expr LPAREN (expr (COMMA expr)* COMMA?)? RPAREN                            #callExpr
    | expr ARROW relType=relationType DOT relAttr=anyName                        #relationExpr
    | expr pred=ident                                                            #applyExpr
    | MINUS expr                                                                 #negExpr
    | expr op=(STAR | SLASH | PERCENT) expr                                      #mulExpr
    | expr op=(PLUS | MINUS) expr                                                #addExpr
    | <assoc=right> expr COALESCE expr                                           #coalesceExpr
    | expr op=(EQ | NE | LT | LE | GT | GE) expr                                 #compareExpr
    | expr IN expr                                                               #inExpr
    | expr MATCHES expr                                                          #matchesExpr
    | expr REFERENCES refKind=refHead DOT refName=anyName                        #referencesExpr
    | NOT expr                                                                   #notExpr
    | expr AND expr                                                              #andExpr
    | expr OR expr                                                               #orExpr
    | quant=(SOME | ALL | COUNT) var=ident IN coll=expr COLON body=expr          #quantExpr
    | IF cond=expr THEN then=expr ELSE otherwise=expr                            #ifExpr
    ;

relationType : ident | STRING ;
refHead : ident | PARAM ;

primary
    : NUMBER                                                                     #numberLit
    | STRING                                                                     #stringLit
    | K_TRUE                                                                       #trueLit
    | K_FALSE                                                                      #falseLit
    | K_NULL                                                                       #nullLit
    | LBRACK elem=expr FOR var=ident IN coll=expr (IF cond=expr)? RBRACK        #listComp
    | LBRACE key=expr COLON value=expr FOR var=ident IN coll=expr (IF cond=expr)? RBRACE
                                                                                 #mapComp
    | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK                                 #listLit
    | LBRACE (mapEntry (COMMA mapEntry)* COMMA?)? RBRACE                         #mapLit
    | LPAREN expr RPAREN                                                         #parenExpr
    | PARAM DOT name=ident                                                       #paramRef
    | MATCHES                                                                    #matchesName
    | ident                                                                      #nameRef
    ;

mapEntry : (STRING | anyName) COLON expr ;

// Words that are keywords only where the grammar expects them.
ident
    : IDENT | AT | LEAST | OF | TO | AS
    | TEST | INPUT | EXPECT | FAILS | PASSES | UNKNOWN | APPLICABLE | FINDINGS | ON
    ;

// After `.` and as field, metadata and mapping names every word is a name.
anyName
    : ident | PACKAGE | IMPORT | PARAM | LET | PRED | TYPE | MAP | RULE | EVERY | NO
    | EXISTS | WHERE | REQUIRES | SOME | ALL | COUNT | IN | MATCHES | REFERENCES
    | AND | OR | NOT | IF | THEN | ELSE | K_TRUE | K_FALSE | K_NULL | FOR
    ;

// An expression on its own: `{...}` parts of message templates.
standaloneExpr : expr EOF ;

// ---------------------------------------------------------------- tokens

PACKAGE : 'package' ;
IMPORT : 'import' ;
PARAM : 'param' ;
LET : 'let' ;
PRED : 'pred' ;
TYPE : 'type' ;
MAP : 'map' ;
RULE : 'rule' ;
EVERY : 'every' ;
NO : 'no' ;
EXISTS : 'exists' ;
WHERE : 'where' ;
REQUIRES : 'requires' ;
AT : 'at' ;
LEAST : 'least' ;
OF : 'of' ;
AS : 'as' ;
TO : 'to' ;
SOME : 'some' ;
ALL : 'all' ;
COUNT : 'count' ;
IN : 'in' ;
MATCHES : 'matches' ;
REFERENCES : 'references' ;
AND : 'and' ;
OR : 'or' ;
NOT : 'not' ;
IF : 'if' ;
THEN : 'then' ;
ELSE : 'else' ;
K_TRUE : 'true' ;
K_FALSE : 'false' ;
K_NULL : 'null' ;
TEST : 'test' ;
INPUT : 'input' ;
EXPECT : 'expect' ;
FAILS : 'fails' ;
PASSES : 'passes' ;
UNKNOWN : 'unknown' ;
APPLICABLE : 'applicable' ;
FINDINGS : 'findings' ;
FOR : 'for' ;
ON : 'on' ;

ARROW : '<-' ;
COALESCE : '??' ;
EQ : '==' ;
NE : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
ASSIGN : '=' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
PERCENT : '%' ;
DOT : '.' ;
COMMA : ',' ;
SEMI : ';' ;
COLON : ':' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;
LBRACE : '{' ;
RBRACE : '}' ;

NUMBER : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)? ;
// Longer than any NUMBER it starts with: `1.`, `1e`, `12abc`, `0x1F` (reported as E0106).
BAD_NUMBER
    : DIGITS ('.' DIGITS?)? ([eE] [+-]?)? [a-zA-Z_] [a-zA-Z_0-9]*
    | DIGITS '.' DIGITS? [eE] [+-]?
    | DIGITS [eE] [+-]?
    | DIGITS '.'
    ;
// A raw text block (tests' inline inputs): no escapes; common indentation is removed.
TEXT_BLOCK : '"""' .*? '"""' ;
// A text block without its closing quotes (E0108): it cannot contain `"""` anywhere.
UNTERMINATED_TEXT_BLOCK : '"""' (~'"' | '"' ~'"' | '""' ~'"')* ('"' | '""')? EOF ;
STRING : '"' (ESC | ~["\\\r\n])* '"' ;
// A string without its closing quote on the same line (reported as E0102).
UNTERMINATED_STRING : '"' (ESC | ~["\\\r\n])* '\\'? ;
IDENT : [a-zA-Z_] [a-zA-Z_0-9]* ;

COMMENT : '#' ~[\r\n]* -> skip ;
WS : [ \t\r\n\f]+ -> skip ;
// Anything else is reported once per character by the parser module.
BAD_CHAR : . ;

fragment DIGITS : [0-9]+ ;
fragment ESC : '\\' ~[\r\n] ;
